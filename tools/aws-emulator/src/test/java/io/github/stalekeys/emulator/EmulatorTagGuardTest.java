package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Pure Java (no tag): `mvn test` must pass without Python, so an emulator test that forgets
 * {@code @Tag("emulator")} has to fail loudly rather than start moto or hang there.
 */
class EmulatorTagGuardTest {

    /** Run only through the test kit below: a test class that forgot its tag. */
    @ExtendWith(AwsEmulatorExtension.class)
    static class UntaggedEmulatorUser {
        @Test
        void usesTheEmulator(AwsEmulator emulator) {
            emulator.reset();
        }
    }

    @Test
    void theExtensionRefusesATestClassWithoutTheEmulatorTag() {
        Events failed = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(UntaggedEmulatorUser.class))
                .execute()
                .testEvents()
                .failed();

        assertEquals(1, failed.count());
        Throwable cause = failed.stream()
                .findFirst()
                .orElseThrow()
                .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                .getThrowable()
                .orElseThrow();
        assertInstanceOf(ExtensionConfigurationException.class, cause);
        assertTrue(cause.getMessage().contains(UntaggedEmulatorUser.class.getName()), cause.getMessage());
        assertTrue(cause.getMessage().contains("@Tag(\"emulator\")"), cause.getMessage());
    }

    @Test
    void theEmulatorDoesNotStartInThePureJavaTestRun() {
        String before = System.getProperty(AwsEmulator.TEST_RUN_PROPERTY);
        System.setProperty(AwsEmulator.TEST_RUN_PROPERTY, "unit");
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class, AwsEmulator::start);
            assertTrue(refused.getMessage().contains("@Tag(\"emulator\")"), refused.getMessage());
            assertTrue(refused.getMessage().contains("mvn test"), refused.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(AwsEmulator.TEST_RUN_PROPERTY);
            } else {
                System.setProperty(AwsEmulator.TEST_RUN_PROPERTY, before);
            }
        }
    }
}
