package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ConfigException;
import software.amazon.awssdk.services.config.model.ConfigRule;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;
import software.amazon.awssdk.services.config.model.Owner;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class ConfigRuleDefinitionTest {

    private static ConfigRule describe(ConfigClient config, String name) {
        return config.describeConfigRules(r -> r.configRuleNames(name))
                .configRules()
                .get(0);
    }

    @Test
    void aPutRuleIsDescribedWithItsInputParametersAndReplacedInPlace(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            emulator.putConfigRule("unused-keys", "{\"maxAccessKeyAgeDays\":\"180\"}");
            ConfigRule first = describe(config, "unused-keys");
            assertEquals("unused-keys", first.configRuleName());
            assertEquals("{\"maxAccessKeyAgeDays\":\"180\"}", first.inputParameters());
            assertEquals(Owner.CUSTOM_LAMBDA, first.source().owner());

            emulator.putConfigRule("unused-keys", "{\"maxAccessKeyAgeDays\":\"30\"}");
            ConfigRule second = describe(config, "unused-keys");
            assertEquals("{\"maxAccessKeyAgeDays\":\"30\"}", second.inputParameters());
            assertEquals(first.configRuleId(), second.configRuleId(), "an update keeps the rule (and its ARN)");

            emulator.putConfigRule("no-parameters", null);
            assertNull(describe(config, "no-parameters").inputParameters());
        }
    }

    @Test
    void anUnknownRuleIsNoSuchConfigRule(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            emulator.putConfigRule("unused-keys", "{}");
            assertThrows(NoSuchConfigRuleException.class, () -> describe(config, "other-rule"));
        }
    }

    @Test
    void aDeniedOperationIsAccessDeniedUntilUndone(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            emulator.putConfigRule("unused-keys", "{}");
            emulator.denyConfigCalls("DescribeConfigRules");
            ConfigException denied = assertThrows(ConfigException.class, () -> describe(config, "unused-keys"));
            assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
            emulator.denyConfigCalls();
            assertEquals("unused-keys", describe(config, "unused-keys").configRuleName());
        }
    }

    @Test
    void resetForgetsRulesAndDenials(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            emulator.putConfigRule("unused-keys", "{}");
            emulator.denyConfigCalls("DescribeConfigRules");
            emulator.reset();
            assertThrows(NoSuchConfigRuleException.class, () -> describe(config, "unused-keys"));
        }
    }
}
