package io.github.stalekeys.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs an SSM Automation runbook file the way Automation would, as far as this product's runbooks need:
 * parameters with their defaults, {@code {{ }}} substitution, {@code aws:executeScript} steps run by a real
 * Python, {@code aws:invokeLambdaFunction} steps fed to the real handler (a thrown exception becomes
 * {@code FunctionError} and an error payload, as Lambda reports it), step outputs read by their selectors,
 * and the document's declared outputs resolved at the end. The tests rehearse the runbook files with it; the
 * local run shows the whole flow with it.
 */
public final class AutomationRehearsal {

    /**
     * How an execution ended: its declared outputs, or the failure of a step; {@code stepOutputs} has every
     * step output produced (e.g. {@code DisableStaleKeys.Payload}), as the console's step details show them.
     */
    public record Execution(
            String executionId,
            Map<String, JsonNode> outputs,
            Map<String, JsonNode> stepOutputs,
            String failedStep,
            String failure) {
        public boolean succeeded() {
            return failedStep == null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEST_RUN_PROPERTY = "stalekeys.testRun";
    private static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofSeconds(60);
    // Daemon threads: a script killed on timeout may leave a grandchild holding a pipe open.
    private static final ExecutorService STREAMS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "runbook-script-stream");
        thread.setDaemon(true);
        return thread;
    });
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([\\w:.]+)\\s*}}");

    private final JsonNode document;
    private final String runbookName;
    private final LambdaFunction function;

    public AutomationRehearsal(Path runbook, LambdaFunction function) throws IOException {
        this.document = new YAMLMapper().readTree(runbook.toFile());
        this.runbookName = runbook.getFileName().toString();
        this.function = function;
    }

    /**
     * Runs the runbook with these parameter values (the others take their defaults).
     *
     * @throws RunbookDefectException when the runbook itself is wrong: a required parameter without value,
     *                                an undefined variable, a selector or declared output that does not resolve
     */
    public Execution start(Map<String, String> parameters) {
        String executionId = UUID.randomUUID().toString();
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        variables.put("automation:EXECUTION_ID", JSON.getNodeFactory().textNode(executionId));
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        document.get("parameters").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> declared = it.next();
            String given = parameters.get(declared.getKey());
            JsonNode value = given != null
                    ? JSON.getNodeFactory().textNode(given)
                    : declared.getValue().get("default");
            if (value == null) {
                throw defect("required parameter " + declared.getKey() + " was not given");
            }
            variables.put(declared.getKey(), value);
        }
        for (String name : parameters.keySet()) {
            if (!variables.containsKey(name)) {
                throw defect("declares no parameter " + name);
            }
        }

        for (JsonNode step : document.get("mainSteps")) {
            String name = step.get("name").asText();
            JsonNode inputs = render(step.get("inputs"), variables);
            ObjectNode result;
            try {
                result = switch (step.get("action").asText()) {
                    case "aws:executeScript" -> runScript(inputs, timeoutOf(step));
                    case "aws:invokeLambdaFunction" -> invoke(inputs);
                    default ->
                        throw defect("step " + name + " uses an action this rehearsal cannot run: "
                                + step.get("action").asText());
                };
            } catch (StepFailedException failure) {
                return new Execution(executionId, Map.of(), Map.copyOf(variables), name, failure.getMessage());
            }
            result.fields().forEachRemaining(field -> variables.put(name + "." + field.getKey(), field.getValue()));
            for (JsonNode output : step.path("outputs")) {
                variables.put(
                        name + "." + output.get("Name").asText(),
                        select(result, output.get("Selector").asText(), name));
            }
            if (step.path("isEnd").asBoolean(false)) {
                break;
            }
        }
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        for (JsonNode output : document.path("outputs")) {
            JsonNode value = variables.get(output.asText());
            if (value == null) {
                throw defect("declared output " + output.asText() + " does not resolve");
            }
            outputs.put(output.asText(), value);
        }
        return new Execution(executionId, outputs, Map.copyOf(variables), null, null);
    }

    private JsonNode render(JsonNode template, Map<String, JsonNode> variables) {
        if (template.isTextual()) {
            String text = template.asText();
            Matcher whole = PLACEHOLDER.matcher(text);
            if (whole.matches()) {
                return resolved(whole.group(1), variables); // a lone placeholder keeps its value's type
            }
            Matcher parts = PLACEHOLDER.matcher(text);
            StringBuilder rendered = new StringBuilder();
            while (parts.find()) {
                parts.appendReplacement(
                        rendered,
                        Matcher.quoteReplacement(
                                resolved(parts.group(1), variables).asText()));
            }
            parts.appendTail(rendered);
            return JSON.getNodeFactory().textNode(rendered.toString());
        }
        if (template.isObject()) {
            ObjectNode rendered = JSON.createObjectNode();
            template.fields()
                    .forEachRemaining(field -> rendered.set(field.getKey(), render(field.getValue(), variables)));
            return rendered;
        }
        return template;
    }

    private JsonNode resolved(String name, Map<String, JsonNode> variables) {
        JsonNode value = variables.get(name);
        if (value == null) {
            throw defect("references {{ " + name + " }}, which nothing defines at that point");
        }
        return value;
    }

    private ObjectNode invoke(JsonNode inputs) {
        LambdaFunction.Response response =
                function.invoke(inputs.get("InputPayload").toString());
        ObjectNode result = JSON.createObjectNode();
        result.put("Payload", response.payload());
        if (response.functionError() != null) {
            result.put("FunctionError", response.functionError());
        }
        result.put("StatusCode", 200);
        return result;
    }

    /** Runs the step's Python handler with its rendered input payload, in a real interpreter. */
    /**
     * Runs the script in a real Python. Both output streams are read while it runs (a script filling one pipe
     * while the other is read would block forever), and the step's {@code timeoutSeconds} stops it.
     */
    private static ObjectNode runScript(JsonNode inputs, Duration timeout) {
        if ("unit".equals(System.getProperty(TEST_RUN_PROPERTY))) {
            throw new IllegalStateException("script steps run Python, which the pure-Java test run (mvn test) does"
                    + " not need: put @Tag(\"emulator\") on the test class so it runs in mvn verify");
        }
        Path script = null;
        try {
            script = Files.createTempFile("runbook-step", ".py");
            Files.writeString(
                    script,
                    inputs.get("Script").asText() + "\n\n"
                            + "if __name__ == '__main__':\n"
                            + "    import json as _json, sys as _sys\n"
                            + "    _result = " + inputs.get("Handler").asText() + "(_json.load(_sys.stdin), None)\n"
                            + "    print(_json.dumps(_result))\n");
            Process python = new ProcessBuilder(
                            System.getenv().getOrDefault("STALEKEYS_PYTHON", "python3"), script.toString())
                    .start();
            byte[] payload = JSON.writeValueAsBytes(inputs.get("InputPayload"));
            CompletableFuture<byte[]> out = drain(python.getInputStream());
            CompletableFuture<byte[]> err = drain(python.getErrorStream());
            CompletableFuture.runAsync(
                    () -> {
                        try (OutputStream stdin = python.getOutputStream()) {
                            stdin.write(payload);
                        } catch (IOException e) {
                            // The script exited without reading its input; its exit status and stderr tell why.
                        }
                    },
                    STREAMS);
            if (!python.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                python.destroyForcibly();
                throw new StepFailedException("the script did not finish in " + timeout.toSeconds() + " s");
            }
            String stdout = new String(out.join(), StandardCharsets.UTF_8);
            String stderr = new String(err.join(), StandardCharsets.UTF_8);
            if (python.exitValue() != 0) {
                throw new StepFailedException(
                        stderr.lines().reduce((first, last) -> last).orElse(stderr));
            }
            ObjectNode result = JSON.createObjectNode();
            result.set("Payload", JSON.readTree(stdout));
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailedException("interrupted");
        } finally {
            if (script != null) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException e) {
                    // A temporary file left behind; nothing depends on it.
                }
            }
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        return stream.readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                STREAMS);
    }

    /** A step's {@code timeoutSeconds}, or the rehearsal's own limit when the step sets none. */
    private static Duration timeoutOf(JsonNode step) {
        JsonNode seconds = step.get("timeoutSeconds");
        return seconds == null ? DEFAULT_SCRIPT_TIMEOUT : Duration.ofSeconds(seconds.asLong());
    }

    /** Evaluates the simple JSONPath selectors runbooks use, such as {@code $.Payload.DisabledKeyIds}. */
    private JsonNode select(JsonNode result, String selector, String step) {
        JsonNode node = result;
        for (String part : selector.replaceFirst("^\\$\\.?", "").split("\\.")) {
            if (!part.isEmpty()) {
                node = node.path(part);
            }
        }
        if (node.isMissingNode()) {
            throw defect("step " + step + ": selector " + selector + " does not resolve on " + result);
        }
        return node;
    }

    private RunbookDefectException defect(String problem) {
        return new RunbookDefectException(runbookName + " " + problem);
    }

    /** The runbook cannot run as written. */
    public static final class RunbookDefectException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RunbookDefectException(String message) {
            super(message);
        }
    }

    private static final class StepFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailedException(String message) {
            super(message);
        }
    }
}
