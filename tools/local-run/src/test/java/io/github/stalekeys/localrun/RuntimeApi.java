package io.github.stalekeys.localrun;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Lambda's Runtime API on loopback, for one invocation: the first {@code GET /runtime/invocation/next} gets
 * the event with the headers Lambda sends, later ones wait; the function's response, invocation error or init
 * error completes {@link #outcome()}. The routes are those of the Lambda runtime API reference:
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
 */
final class RuntimeApi implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";
    static final String REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";

    /** What the function answered: {@code error} is false for a response. */
    record Outcome(boolean error, String body) {}

    private final HttpServer server;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean delivered;

    RuntimeApi(String event) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext(PREFIX, exchange -> {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            try (exchange) {
                if (path.equals("invocation/next")
                        && exchange.getRequestMethod().equals("GET")) {
                    next(exchange, event);
                } else if (path.equals("invocation/" + REQUEST_ID + "/response")) {
                    answered(exchange, false);
                } else if (path.equals("invocation/" + REQUEST_ID + "/error") || path.equals("init/error")) {
                    answered(exchange, true);
                } else {
                    exchange.sendResponseHeaders(404, -1);
                }
            }
        });
        server.start();
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    private void next(HttpExchange exchange, String event) throws IOException {
        synchronized (this) {
            if (delivered) {
                try {
                    stopped.await(); // one invocation only: the runtime's next poll waits until the test ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            delivered = true;
        }
        byte[] body = event.getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.add("Lambda-Runtime-Aws-Request-Id", REQUEST_ID);
        headers.add(
                "Lambda-Runtime-Deadline-Ms",
                Long.toString(Instant.now().plus(Duration.ofMinutes(5)).toEpochMilli()));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:stale-keys");
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=0");
        headers.add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private void answered(HttpExchange exchange, boolean error) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(202, -1);
        outcome.complete(new Outcome(error, body));
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
    }
}
