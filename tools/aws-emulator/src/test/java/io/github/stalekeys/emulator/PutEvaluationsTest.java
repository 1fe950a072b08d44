package io.github.stalekeys.emulator;

import static io.github.stalekeys.emulator.ConfigFixtures.evaluation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.config.model.InvalidParameterValueException;
import software.amazon.awssdk.services.config.model.InvalidResultTokenException;
import software.amazon.awssdk.services.config.model.PutEvaluationsResponse;
import software.amazon.awssdk.services.config.model.ValidationException;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class PutEvaluationsTest {

    private static final String RULE = "stale-access-keys";

    private final AwsEmulator emulator;
    private ConfigClient config;
    private String token;

    PutEvaluationsTest(AwsEmulator emulator) {
        this.emulator = emulator;
    }

    @BeforeEach
    void setUp() {
        config = emulator.configClient();
        token = emulator.registerResultToken(RULE);
    }

    @AfterEach
    void tearDown() {
        config.close();
    }

    private PutEvaluationsResponse put(Evaluation... evaluations) {
        return config.putEvaluations(r -> r.resultToken(token).evaluations(evaluations));
    }

    @Test
    void storesEvaluationsPerResource(AwsEmulator emulator) {
        Instant ordering = Instant.parse("2025-03-04T05:06:07Z");
        PutEvaluationsResponse response = put(
                evaluation("AIDAONE", ComplianceType.NON_COMPLIANT, ordering),
                evaluation("AIDATWO", ComplianceType.COMPLIANT, ordering));

        assertTrue(response.failedEvaluations().isEmpty());
        List<StoredEvaluation> stored = emulator.storedEvaluations(RULE);
        assertEquals(2, stored.size());
        StoredEvaluation first = stored.get(0);
        assertEquals("AWS::IAM::User", first.resourceType());
        assertEquals("AIDAONE", first.resourceId());
        assertEquals("NON_COMPLIANT", first.complianceType());
        assertEquals("test annotation for AIDAONE", first.annotation());
        assertEquals(ordering, first.orderingTimestamp());
        assertEquals("AIDATWO", stored.get(1).resourceId());
    }

    @Test
    void keepsTheResultWithTheNewestOrderingTimestamp(AwsEmulator emulator) {
        Instant older = Instant.parse("2025-01-01T00:00:00Z");
        Instant newer = Instant.parse("2025-02-01T00:00:00Z");
        put(evaluation("AIDAONE", ComplianceType.NON_COMPLIANT, newer));
        put(evaluation("AIDAONE", ComplianceType.COMPLIANT, older));
        assertEquals("NON_COMPLIANT", emulator.storedEvaluations(RULE).get(0).complianceType());

        // Same timestamp: the later call wins.
        put(evaluation("AIDAONE", ComplianceType.NOT_APPLICABLE, newer));
        StoredEvaluation stored = emulator.storedEvaluations(RULE).get(0);
        assertEquals("NOT_APPLICABLE", stored.complianceType());
        assertEquals(1, emulator.storedEvaluations(RULE).size());
    }

    @Test
    void annotationIsOptional(AwsEmulator emulator) {
        put(evaluation("AIDAONE", ComplianceType.COMPLIANT).toBuilder()
                .annotation(null)
                .build());
        assertNull(emulator.storedEvaluations(RULE).get(0).annotation());
    }

    @Test
    void testModeValidatesWithoutStoringAndNeedsNoRealToken(AwsEmulator emulator) {
        PutEvaluationsResponse response = config.putEvaluations(r ->
                r.resultToken("TESTMODE").testMode(true).evaluations(evaluation("AIDAONE", ComplianceType.COMPLIANT)));
        assertTrue(response.failedEvaluations().isEmpty());
        assertTrue(emulator.storedEvaluations(RULE).isEmpty());

        assertThrows(
                InvalidParameterValueException.class,
                () -> config.putEvaluations(r -> r.resultToken("TESTMODE")
                        .testMode(true)
                        .evaluations(evaluation("AIDAONE", ComplianceType.INSUFFICIENT_DATA))));
    }

    @Test
    void unknownResultTokenIsRejected(AwsEmulator emulator) {
        assertThrows(
                InvalidResultTokenException.class,
                () -> config.putEvaluations(
                        r -> r.resultToken("made-up").evaluations(evaluation("AIDAONE", ComplianceType.COMPLIANT))));
        assertTrue(emulator.storedEvaluations(RULE).isEmpty());
    }

    @Test
    void insufficientDataIsRejectedAndNothingOfTheCallIsStored(AwsEmulator emulator) {
        assertThrows(
                InvalidParameterValueException.class,
                () -> put(
                        evaluation("AIDAONE", ComplianceType.COMPLIANT),
                        evaluation("AIDATWO", ComplianceType.INSUFFICIENT_DATA)));
        assertTrue(emulator.storedEvaluations(RULE).isEmpty());
    }

    @Test
    void moreThanOneHundredEvaluationsAreRejected(AwsEmulator emulator) {
        Evaluation[] tooMany = IntStream.range(0, 101)
                .mapToObj(i -> evaluation("AIDA" + i, ComplianceType.COMPLIANT))
                .toArray(Evaluation[]::new);
        assertThrows(ValidationException.class, () -> put(tooMany));
        assertTrue(emulator.storedEvaluations(RULE).isEmpty());

        put(java.util.Arrays.copyOf(tooMany, 100));
        assertEquals(100, emulator.storedEvaluations(RULE).size());
    }

    @Test
    void annotationOutside1To256CharactersIsRejected(AwsEmulator emulator) {
        Evaluation base = evaluation("AIDAONE", ComplianceType.NON_COMPLIANT);
        assertThrows(
                ValidationException.class,
                () -> put(base.toBuilder().annotation("x".repeat(257)).build()));
        assertThrows(
                ValidationException.class,
                () -> put(base.toBuilder().annotation("").build()));
        assertTrue(emulator.storedEvaluations(RULE).isEmpty());

        put(base.toBuilder().annotation("x".repeat(256)).build());
        assertEquals(256, emulator.storedEvaluations(RULE).get(0).annotation().length());
    }

    @Test
    void missingOrderingTimestampIsRejected() {
        assertThrows(
                ValidationException.class,
                () -> put(evaluation("AIDAONE", ComplianceType.COMPLIANT).toBuilder()
                        .orderingTimestamp(null)
                        .build()));
    }

    @Test
    void injectedFaultReturnsMatchingEvaluationsAsFailedForTheGivenNumberOfCalls(AwsEmulator emulator) {
        emulator.failEvaluations(List.of("AIDABAD"), 2);

        PutEvaluationsResponse first = put(
                evaluation("AIDAGOOD", ComplianceType.COMPLIANT), evaluation("AIDABAD", ComplianceType.NON_COMPLIANT));
        assertEquals(
                List.of("AIDABAD"),
                first.failedEvaluations().stream()
                        .map(Evaluation::complianceResourceId)
                        .toList());
        assertEquals(
                ComplianceType.NON_COMPLIANT, first.failedEvaluations().get(0).complianceType());
        assertEquals(
                List.of("AIDAGOOD"),
                emulator.storedEvaluations(RULE).stream()
                        .map(StoredEvaluation::resourceId)
                        .toList());

        // A call without the resource does not use up the fault.
        assertTrue(put(evaluation("AIDAOTHER", ComplianceType.COMPLIANT))
                .failedEvaluations()
                .isEmpty());
        assertEquals(
                1,
                put(evaluation("AIDABAD", ComplianceType.NON_COMPLIANT))
                        .failedEvaluations()
                        .size());
        // Third matching call: the fault is spent, the retry is stored.
        assertTrue(put(evaluation("AIDABAD", ComplianceType.NON_COMPLIANT))
                .failedEvaluations()
                .isEmpty());
        assertEquals(
                List.of("AIDABAD", "AIDAGOOD", "AIDAOTHER"),
                emulator.storedEvaluations(RULE).stream()
                        .map(StoredEvaluation::resourceId)
                        .toList());
    }
}
