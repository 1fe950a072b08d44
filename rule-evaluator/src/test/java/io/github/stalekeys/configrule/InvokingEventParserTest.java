package io.github.stalekeys.configrule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InvokingEventParserTest {

    @Test
    void scheduledNotificationCarriesItsCreationTime() {
        Trigger trigger = InvokingEventParser.parse("""
                {"messageType": "ScheduledNotification", "notificationCreationTime": "2026-11-28T09:00:00.000Z"}""");
        assertEquals(new Trigger.Scheduled(Instant.parse("2026-11-28T09:00:00Z")), trigger);
    }

    @Test
    void itemChangeCarriesTheItemAndItsCaptureTime() {
        Trigger.ItemChange change = assertInstanceOf(Trigger.ItemChange.class, InvokingEventParser.parse("""
                {"messageType": "ConfigurationItemChangeNotification",
                 "configurationItem": {"resourceType": "AWS::IAM::User", "resourceId": "AIDAEXAMPLE000000001", "resourceName": "alice",
                   "configurationItemStatus": "OK", "configurationItemCaptureTime": "2026-11-28T09:15:00.000Z"}}"""));
        assertEquals("alice", change.resourceName());
        assertEquals(Instant.parse("2026-11-28T09:15:00Z"), change.orderingTimestamp());
        assertTrue(!change.resourceDeleted());
    }

    @Test
    void oversizedItemIsReadFromItsSummary() {
        Trigger.ItemChange change = assertInstanceOf(Trigger.ItemChange.class, InvokingEventParser.parse("""
                {"messageType": "OversizedConfigurationItemChangeNotification",
                 "configurationItemSummary": {"resourceType": "AWS::IAM::User", "resourceId": "AIDAEXAMPLE000000001",
                   "resourceName": "alice", "configurationItemStatus": "ResourceDeletedNotRecorded",
                   "configurationItemCaptureTime": "2026-11-28T09:15:00.000Z"}}"""));
        assertTrue(change.resourceDeleted());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''                                                         | invokingEvent is missing",
                "not json                                                   | invokingEvent is not valid JSON",
                "[]                                                         | invokingEvent must be a JSON object",
                "{}                                                         | invokingEvent.messageType",
                "{\"messageType\": \"ComplianceChangeNotification\"}        | 'ComplianceChangeNotification' is not one this rule handles",
                "{\"messageType\": \"ScheduledNotification\"}               | invokingEvent.notificationCreationTime",
                "{\"messageType\": \"ScheduledNotification\", \"notificationCreationTime\": \"yesterday\"} | not an ISO-8601 instant",
                "{\"messageType\": \"ConfigurationItemChangeNotification\"} | invokingEvent.configurationItem is missing",
                "{\"messageType\": \"OversizedConfigurationItemChangeNotification\"} | invokingEvent.configurationItemSummary is missing",
                "{\"messageType\": \"ConfigurationItemChangeNotification\", \"configurationItem\": {\"resourceType\": \"AWS::IAM::User\", \"configurationItemStatus\": \"OK\", \"configurationItemCaptureTime\": \"2026-11-28T09:15:00Z\"}} | invokingEvent.configurationItem.resourceId",
            })
    void malformedEventsAreRejectedNamingTheField(String json, String expected) {
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> InvokingEventParser.parse(json));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void aFieldGivenTwiceIsRefusedNotReadLastWins() {
        InvalidEventException twice = assertThrows(InvalidEventException.class, () -> InvokingEventParser.parse("""
                {"messageType":"ConfigurationItemChangeNotification","messageType":"ScheduledNotification",
                 "notificationCreationTime":"2026-11-28T09:00:00Z"}"""));

        assertTrue(
                twice.getMessage().startsWith("invokingEvent is not valid JSON: 'Duplicate field 'messageType''"),
                twice.getMessage());
    }
}
