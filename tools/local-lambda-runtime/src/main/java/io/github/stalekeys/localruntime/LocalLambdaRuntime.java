package io.github.stalekeys.localruntime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Runs one invocation of a packaged Lambda function in this (fresh) JVM, the way the Lambda Java runtime
 * does: the handler class is created with its no-argument constructor, the event is read from standard
 * input and deserialised by Lambda's own serialisation library, configuration comes from environment
 * variables. The response goes to standard output; the function's own output (its logs) to standard error.
 * A failure is printed as Lambda reports it ({@code errorMessage}, {@code errorType}) with exit status 1.
 * Like Lambda, it ends the logs with a {@code REPORT} line: {@code Init Duration} (loading the handler and
 * running its constructor) and {@code Duration} (the invocation).
 *
 * <p>With {@code LOCAL_LAMBDA_SNAPSTART=true} it plays SnapStart's part after init: it runs the function's
 * CRaC {@code beforeCheckpoint} and {@code afterRestore} hooks (its priming) before the invocation, and reports
 * their time as {@code Snapshot Duration}; {@code Duration} is then what a restored function would spend.
 *
 * <p>The function's ARN in the context names the account {@code LOCAL_LAMBDA_ACCOUNT_ID} (12 digits), by default
 * {@value #DEFAULT_ACCOUNT_ID}: moto's default account, the one the emulator's static credentials act in, so the
 * function's notices name the account the rule's events and warnings name.
 *
 * <p>Usage: {@code java -cp <function classpath>:local-lambda-runtime.jar
 * io.github.stalekeys.localruntime.LocalLambdaRuntime <handler class> <timeout seconds>}
 */
public final class LocalLambdaRuntime {

    /** moto's default account: the emulator's static credentials act in it. */
    public static final String DEFAULT_ACCOUNT_ID = "123456789012";

    private LocalLambdaRuntime() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LocalLambdaRuntime <handler class> <timeout seconds>");
            System.exit(2);
        }
        PrintStream response = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // the function's logs must not mix with its response
        byte[] event = System.in.readAllBytes();
        if ("true".equals(System.getenv("LOCAL_LAMBDA_SNAPSTART"))) {
            // Read by org.crac when the function first touches it: its hooks then reach our stand-in.
            System.setProperty("org.crac.Core.Compat", "io.github.stalekeys.localruntime.crac");
        }
        Context context = new LocalContext(args[0], Instant.now().plus(Duration.ofSeconds(Long.parseLong(args[1]))));
        try {
            response.write(invoke(args[0], event, context));
            response.flush();
        } catch (Throwable failure) {
            Throwable cause =
                    failure instanceof java.lang.reflect.InvocationTargetException ? failure.getCause() : failure;
            response.print("{\"errorMessage\":" + quoted(String.valueOf(cause.getMessage())) + ",\"errorType\":"
                    + quoted(cause.getClass().getName()) + "}");
            response.flush();
            cause.printStackTrace(System.err);
            System.exit(1);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] invoke(String handlerClass, byte[] event, Context context) throws Exception {
        long start = System.nanoTime();
        Object handler = Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        long initialised = System.nanoTime();
        String report = "REPORT Init Duration: " + millis(start, initialised) + " ms";
        if ("true".equals(System.getenv("LOCAL_LAMBDA_SNAPSTART"))) {
            snapshotAndRestore();
            report += " Snapshot Duration: " + millis(initialised, System.nanoTime()) + " ms";
        }
        long invoked = System.nanoTime();
        try {
            return handle(handler, event, context);
        } finally {
            System.err.println(report + " Duration: " + millis(invoked, System.nanoTime()) + " ms");
        }
    }

    /**
     * SnapStart's checkpoint and restore, as far as the function can tell: its {@code org.crac} hooks run, in
     * CRaC's order, through the stand-in of {@code io.github.stalekeys.localruntime.crac}.
     */
    private static void snapshotAndRestore() throws ReflectiveOperationException {
        Class.forName("org.crac.Core").getMethod("checkpointRestore").invoke(null);
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] handle(Object handler, byte[] event, Context context) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (handler instanceof RequestStreamHandler streamHandler) {
            streamHandler.handleRequest(new ByteArrayInputStream(event), out, context);
            return out.toByteArray();
        }
        if (handler instanceof RequestHandler requestHandler) {
            Class<?> inputType = inputTypeOf(handler.getClass());
            Object input = serializerFor(inputType).fromJson(new ByteArrayInputStream(event));
            Object result = requestHandler.handleRequest(input, context);
            if (result != null) {
                serializerFor((Class) result.getClass()).toJson(result, out);
            }
            return out.toByteArray();
        }
        throw new IllegalArgumentException(
                handler.getClass().getName() + " is neither a RequestHandler nor a RequestStreamHandler");
    }

    private static <T> PojoSerializer<T> serializerFor(Class<T> type) {
        ClassLoader loader = LocalLambdaRuntime.class.getClassLoader();
        return LambdaEventSerializers.isLambdaSupportedEvent(type.getName())
                ? LambdaEventSerializers.serializerFor(type, loader)
                : JacksonFactory.getInstance().getSerializer(type);
    }

    private static Class<?> inputTypeOf(Class<?> handler) {
        for (Type type : handler.getGenericInterfaces()) {
            if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == RequestHandler.class) {
                return (Class<?>) parameterized.getActualTypeArguments()[0];
            }
        }
        throw new IllegalArgumentException(handler.getName() + " does not declare its RequestHandler input type");
    }

    private static String quoted(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    /** The account the function runs in: {@code LOCAL_LAMBDA_ACCOUNT_ID}, or the emulator's default account. */
    static String accountId() {
        String given = System.getenv("LOCAL_LAMBDA_ACCOUNT_ID");
        if (given == null || given.isBlank()) {
            return DEFAULT_ACCOUNT_ID;
        }
        if (!given.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("LOCAL_LAMBDA_ACCOUNT_ID must be 12 digits, got '" + given + "'");
        }
        return given;
    }

    /** The invocation's context: a request id, the function's name, and the time left before the timeout. */
    private record LocalContext(String handler, Instant deadline) implements Context {
        private static final String REQUEST_ID = UUID.randomUUID().toString();

        @Override
        public String getAwsRequestId() {
            return REQUEST_ID;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/local";
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return handler.substring(handler.lastIndexOf('.') + 1);
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:local:" + accountId() + ":function:" + getFunctionName();
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        }

        @Override
        public int getMemoryLimitInMB() {
            return 512;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.println(message);
                }

                @Override
                public void log(byte[] message) {
                    System.err.println(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
