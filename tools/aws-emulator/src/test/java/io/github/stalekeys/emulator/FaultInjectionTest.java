package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class FaultInjectionTest {

    @Test
    void iamThrottlingIsTheQueryProtocolsThrottlingError(AwsEmulator emulator) {
        emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.THROTTLE).onlyFor("iam:ListUsers"));
        try (IamClient iam = iamWithoutRetries(emulator)) {
            AwsServiceException error = assertThrows(AwsServiceException.class, iam::listUsers);

            assertEquals(400, error.statusCode());
            assertEquals("Throttling", error.awsErrorDetails().errorCode());
            assertEquals("Rate exceeded", error.awsErrorDetails().errorMessage());
            assertTrue(error.isThrottlingException());
            iam.listAccessKeys(r -> r.userName("nobody").maxItems(1)); // other operations pass
        } catch (NoSuchEntityException expected) {
            // listAccessKeys of an unknown user: answered by moto, not faulted.
        }
        assertEquals(1, emulator.faultReport().of(Fault.THROTTLE));
    }

    @Test
    void configThrottlingIsTheJsonProtocolsThrottlingException(AwsEmulator emulator) {
        String token = emulator.registerResultToken("rule");
        emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.THROTTLE).onlyFor("config:*"));
        try (ConfigClient config = configWithoutRetries(emulator)) {
            AwsServiceException error = assertThrows(
                    AwsServiceException.class,
                    () -> config.putEvaluations(r -> r.resultToken(token)
                            .evaluations(ConfigFixtures.evaluation("AIDA1", ComplianceType.COMPLIANT))));

            assertEquals(400, error.statusCode());
            assertEquals("ThrottlingException", error.awsErrorDetails().errorCode());
            assertTrue(error.isThrottlingException());
        }
        emulator.clearFaults();
        assertTrue(emulator.storedEvaluations("rule").isEmpty(), "a throttled call has no effect");
    }

    @Test
    void serverErrorsCarryTheirStatusInEachProtocol(AwsEmulator emulator) {
        try (IamClient iam = iamWithoutRetries(emulator);
                ConfigClient config = configWithoutRetries(emulator)) {
            emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.HTTP_500));
            assertEquals(
                    500, assertThrows(AwsServiceException.class, iam::listUsers).statusCode());
            assertEquals(
                    500,
                    assertThrows(AwsServiceException.class, () -> config.describeConfigRules(r -> {}))
                            .statusCode());
            emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.HTTP_503));
            AwsServiceException unavailable = assertThrows(AwsServiceException.class, iam::listUsers);
            assertEquals(503, unavailable.statusCode());
            assertEquals("ServiceUnavailable", unavailable.awsErrorDetails().errorCode());
        }
    }

    @Test
    void aResetConnectionFailsTheCallWithAnIoErrorAndHasNoEffect(AwsEmulator emulator) {
        emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.RESET).onlyFor("iam:CreateUser"));
        try (IamClient iam = iamWithoutRetries(emulator)) {
            SdkClientException error =
                    assertThrows(SdkClientException.class, () -> iam.createUser(r -> r.userName("alice")));

            assertInstanceOf(IOException.class, rootCause(error), error.toString());
            emulator.clearFaults();
            assertEquals(List.of(), iam.listUsers().users());
        }
    }

    @Test
    void aResetAfterTheCallLosesTheAnswerButTheCallTookEffect(AwsEmulator emulator) {
        emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.RESET_AFTER).onlyFor("iam:CreateUser"));
        try (IamClient iam = iamWithoutRetries(emulator)) {
            SdkClientException error =
                    assertThrows(SdkClientException.class, () -> iam.createUser(r -> r.userName("alice")));

            assertInstanceOf(IOException.class, rootCause(error), error.toString());
            emulator.clearFaults();
            assertEquals("alice", iam.listUsers().users().get(0).userName());
        }
    }

    @Test
    void aDelayedAnswerIsLateButNormal(AwsEmulator emulator) {
        emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.DELAY).withDelay(Duration.ofMillis(300)));
        try (IamClient iam = iamWithoutRetries(emulator)) {
            long started = System.nanoTime();
            iam.listUsers();
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMillis(300)) >= 0);
        }
        assertEquals(1, emulator.faultReport().of(Fault.DELAY));
    }

    @Test
    void theSameSeedFaultsTheSameCallsAndTheRateHolds(AwsEmulator emulator) {
        try (IamClient iam = iamWithoutRetries(emulator)) {
            List<Boolean> first = faultPattern(emulator, iam, 42);
            List<Boolean> again = faultPattern(emulator, iam, 42);
            List<Boolean> other = faultPattern(emulator, iam, 43);

            assertEquals(first, again);
            assertFalse(first.equals(other), "another seed, another pattern");
            long faulted = first.stream().filter(f -> f).count();
            assertTrue(faulted > 8 && faulted < 35, "about 20% of 100 calls: " + faulted);
            assertEquals(100, emulator.faultReport().callsSeen());
        }
    }

    @Test
    void theOperationFilterSparesOtherCallsAndControlRequests(AwsEmulator emulator) {
        emulator.injectFaults(FaultPlan.allKinds(1.0, 7).onlyFor("config:*"));
        try (IamClient iam = iamWithoutRetries(emulator)) {
            iam.createUser(r -> r.userName("alice"));
            iam.listUsers();
            emulator.seedUsers(List.of("bob"));
            assertEquals(2, iam.listUsers().users().size());
        }
        FaultReport report = emulator.clearFaults();
        assertEquals(0, report.total());
        assertEquals(0, report.callsSeen());
    }

    @Test
    void resetDisarmsFaults(AwsEmulator emulator) {
        emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.HTTP_500));
        emulator.reset();
        try (IamClient iam = iamWithoutRetries(emulator)) {
            iam.listUsers();
        }
        assertEquals(0, emulator.faultReport().total());
    }

    @Test
    void aUserCanBeDeletedRightAfterTheNthCallOfAnOperation(AwsEmulator emulator) {
        IamSeeder seeder = new IamSeeder(emulator, java.time.Clock.systemUTC());
        IamSeeder.SeededUser bob = seeder.user("bob");
        seeder.keyUsed(bob, 10);
        emulator.deleteUserAfter("iam:ListUsers", 2, "bob");
        try (IamClient iam = emulator.iamClient()) {
            assertEquals(1, iam.listUsers().users().size());
            assertEquals(1, iam.listUsers().users().size(), "the second call is answered before the user goes");
            assertEquals(0, iam.listUsers().users().size());
        }
    }

    @Test
    void aKeyCanBeDeletedRightAfterACall(AwsEmulator emulator) {
        IamSeeder seeder = new IamSeeder(emulator, java.time.Clock.systemUTC());
        IamSeeder.SeededUser bob = seeder.user("bob");
        IamSeeder.SeededKey key = seeder.keyUsed(bob, 10);
        emulator.deleteAccessKeyAfter("iam:ListAccessKeys", 1, key.accessKeyId());
        try (IamClient iam = emulator.iamClient()) {
            assertEquals(
                    1,
                    iam.listAccessKeys(r -> r.userName("bob"))
                            .accessKeyMetadata()
                            .size());
            assertThrows(
                    NoSuchEntityException.class, () -> iam.getAccessKeyLastUsed(r -> r.accessKeyId(key.accessKeyId())));
        }
    }

    @Test
    void aKeyCanCarryARawStatusTheApiModelDoesNotKnow(AwsEmulator emulator) {
        IamSeeder seeder = new IamSeeder(emulator, java.time.Clock.systemUTC());
        IamSeeder.SeededUser bob = seeder.user("bob");
        IamSeeder.SeededKey expired = seeder.keyUsed(bob, 400);
        IamSeeder.SeededKey odd = seeder.keyUsed(bob, 400);

        emulator.forceKeyStatus(expired.accessKeyId(), "Expired");
        emulator.forceKeyStatus(odd.accessKeyId(), "Quarantined");

        assertEquals("Expired", seeder.status(bob, expired));
        assertEquals("Quarantined", seeder.status(bob, odd));
        assertThrows(IllegalArgumentException.class, () -> emulator.forceKeyStatus("AKIANOSUCHKEY0000000", "Active"));
    }

    @Test
    void keysAreSeededInBulkWithTheirDates(AwsEmulator emulator) {
        emulator.seedUsers(List.of("u1", "u2"));
        Instant created = Instant.parse("2025-01-01T00:00:00Z");
        Instant used = Instant.parse("2025-06-01T00:00:00Z");

        List<IamSeeder.SeededKey> keys = emulator.seedKeys(
                List.of(new AwsEmulator.KeySeed("u1", created, used), new AwsEmulator.KeySeed("u2", created, null)));

        try (IamClient iam = emulator.iamClient()) {
            assertEquals(2, keys.size());
            assertEquals(40, keys.get(0).secretAccessKey().length());
            assertEquals(
                    used,
                    iam.getAccessKeyLastUsed(r -> r.accessKeyId(keys.get(0).accessKeyId()))
                            .accessKeyLastUsed()
                            .lastUsedDate());
            assertEquals(
                    null,
                    iam.getAccessKeyLastUsed(r -> r.accessKeyId(keys.get(1).accessKeyId()))
                            .accessKeyLastUsed()
                            .lastUsedDate());
            assertEquals(
                    created,
                    iam.listAccessKeys(r -> r.userName("u2"))
                            .accessKeyMetadata()
                            .get(0)
                            .createDate());
        }
        assertEquals(0, emulator.callCounts().getOrDefault("iam:CreateAccessKey", 0L), "not counted as AWS calls");
    }

    private static List<Boolean> faultPattern(AwsEmulator emulator, IamClient iam, long seed) {
        emulator.injectFaults(FaultPlan.of(0.2, seed, Fault.HTTP_500));
        List<Boolean> pattern = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            try {
                iam.listUsers();
                pattern.add(false);
            } catch (AwsServiceException e) {
                pattern.add(true);
            }
        }
        return pattern;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static IamClient iamWithoutRetries(AwsEmulator emulator) {
        return IamClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.of(emulator.region()))
                .credentialsProvider(emulator.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static ConfigClient configWithoutRetries(AwsEmulator emulator) {
        return ConfigClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.of(emulator.region()))
                .credentialsProvider(emulator.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
