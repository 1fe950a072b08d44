package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.configrule.InvalidEventException;
import org.junit.jupiter.api.Test;

class RoleArnTest {

    @Test
    void theRoleIsInTheEventsAccountAndTheRulesPartition() {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setAccountId("210987654321");
        event.setConfigRuleArn("arn:aws-cn:config:cn-north-1:123456789012:config-rule/config-rule-abc");

        assertEquals(
                "arn:aws-cn:iam::210987654321:role/StaleKeysRuleExecution",
                MemberAccountRole.of(event, "StaleKeysRuleExecution"));
    }

    @Test
    void withoutAnArnInTheEventThePartitionIsAws() {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setAccountId("210987654321");

        assertEquals("arn:aws:iam::210987654321:role/R", MemberAccountRole.of(event, "R"));
    }

    @Test
    void withoutARuleArnThePartitionComesFromTheExecutionRoleArn() {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setAccountId("210987654321");
        event.setExecutionRoleArn("arn:aws-us-gov:iam::123456789012:role/config-role");

        assertEquals("arn:aws-us-gov:iam::210987654321:role/R", MemberAccountRole.of(event, "R"));
    }

    @Test
    void aRuleArnWithoutAPartitionIsPassedOverForTheNextArn() {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setAccountId("210987654321");
        event.setConfigRuleArn("arn::config:us-east-1:123456789012:config-rule/config-rule-abc");
        event.setExecutionRoleArn("arn:aws-cn:iam::123456789012:role/config-role");

        assertEquals("arn:aws-cn:iam::210987654321:role/R", MemberAccountRole.of(event, "R"));
    }

    @Test
    void valuesThatAreNotArnsLeaveThePartitionAtAws() {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setAccountId("210987654321");
        event.setConfigRuleArn("config-rule-abc");
        event.setExecutionRoleArn("arn:");

        assertEquals("arn:aws:iam::210987654321:role/R", MemberAccountRole.of(event, "R"));
    }

    @Test
    void anAccountIdThatIsNotTwelveDigitsIsRefused() {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setAccountId("12345678901:role/x");

        InvalidEventException error = assertThrows(InvalidEventException.class, () -> MemberAccountRole.of(event, "R"));
        assertTrue(error.getMessage().startsWith("accountId must be a 12-digit account id"), error.getMessage());
    }
}
