package io.github.stalekeys.securityhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the calls go and which failures are retried, without a network. */
class SecurityHubApiTest {

    @Test
    void theEndpointFollowsTheSdksEnvironmentVariables() {
        assertEquals(
                URI.create("https://securityhub.eu-west-1.amazonaws.com"),
                SecurityHubApi.endpoint(null, "eu-west-1", Map.<String, String>of()::get));
        assertEquals(
                URI.create("http://127.0.0.1:4566"),
                SecurityHubApi.endpoint(null, "eu-west-1", Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")::get));
        assertEquals(
                URI.create("https://vpce.example"),
                SecurityHubApi.endpoint(
                        null,
                        "eu-west-1",
                        Map.of(
                                "AWS_ENDPOINT_URL",
                                "http://127.0.0.1:4566",
                                "AWS_ENDPOINT_URL_SECURITYHUB",
                                "https://vpce.example")::get));
        assertEquals(
                URI.create("http://override"),
                SecurityHubApi.endpoint(
                        URI.create("http://override"), "eu-west-1", Map.of("AWS_ENDPOINT_URL", "http://x")::get));
    }

    @Test
    void aBadEndpointVariableIsNamed() {
        IllegalStateException error = assertThrows(
                IllegalStateException.class,
                () -> SecurityHubApi.endpoint(null, "eu-west-1", Map.of("AWS_ENDPOINT_URL_SECURITYHUB", "a b")::get));
        assertTrue(error.getMessage().startsWith("AWS_ENDPOINT_URL_SECURITYHUB is not a URL"), error.getMessage());
    }

    @Test
    void throttlingAndServerErrorsAreRetriedOthersAreNot() {
        assertTrue(new SecurityHubException("GetFindings", "TooManyRequestsException", "", 429, null).retryable());
        assertTrue(new SecurityHubException("GetFindings", "ThrottlingException", "", 400, null).retryable());
        assertTrue(new SecurityHubException("GetFindings", "InternalException", "", 500, null).retryable());
        assertFalse(new SecurityHubException("GetFindings", "AccessDeniedException", "", 403, null).retryable());
        assertFalse(new SecurityHubException("GetFindings", "InvalidInputException", "", 400, null).retryable());
    }

    @Test
    void securityHubNotEnabledIsRecognisedByCodeOrMessage() {
        assertTrue(new SecurityHubException("GetFindings", "InvalidAccessException", "", 401, null).notEnabled());
        assertTrue(new SecurityHubException(
                        "GetFindings", "HTTP401", "Account 1 is not subscribed to AWS Security Hub", 401, null)
                .notEnabled());
        assertFalse(new SecurityHubException("GetFindings", "AccessDeniedException", "denied", 403, null).notEnabled());
    }

    @Test
    void aHostileErrorMessageIsBoundedToOneLine() {
        String message = new SecurityHubException(
                        "BatchImportFindings",
                        "InvalidInputException",
                        "line1\nline2\u001b[31m" + "x".repeat(1000),
                        400,
                        null)
                .getMessage();
        assertFalse(message.contains("\n"));
        assertTrue(message.length() < 400, message);
    }
}
