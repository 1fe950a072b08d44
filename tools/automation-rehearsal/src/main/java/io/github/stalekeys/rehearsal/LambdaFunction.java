package io.github.stalekeys.rehearsal;

/** The function an {@code aws:invokeLambdaFunction} step calls: in this JVM, or packaged in a fresh one. */
@FunctionalInterface
public interface LambdaFunction {

    /** What Lambda hands Automation back: the payload, and the error kind when the function failed. */
    record Response(String payload, String functionError) {

        public static Response success(String payload) {
            return new Response(payload, null);
        }

        /** A failure as Lambda reports it: {@code FunctionError: Unhandled} and an error payload. */
        public static Response failure(String errorMessage, String errorType) {
            return new Response(
                    "{\"errorMessage\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(errorMessage)
                            + ",\"errorType\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(errorType) + "}",
                    "Unhandled");
        }
    }

    Response invoke(String payload);
}
