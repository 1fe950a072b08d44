"""Runs the Python embedded in the runbooks' aws:executeScript steps with realistic events.

    python3 -m unittest discover -s ssm-documents/tests

Each script is taken from the YAML exactly as Automation would get it, compiled as its own
module and its handler called with the InputPayload Automation would build.
"""

import json
import os
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.dirname(HERE)
REMEDIATION = os.path.join(DOCS, "disable-unused-access-keys.yaml")
BACKOUT = os.path.join(DOCS, "restore-access-keys.yaml")

USER_ID = "AIDAJQABLZS4A3QDU576Q"
EXECUTION_ID = "4105a4fc-f944-11e6-9d32-0a1b2c3d4e5f"


def load_document(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def script_handler(path, step_name):
    document = load_document(path)
    steps = [step for step in document["mainSteps"] if step["name"] == step_name]
    if len(steps) != 1:
        raise AssertionError("%s has no single step %s" % (path, step_name))
    step = steps[0]
    assert step["action"] == "aws:executeScript", step["action"]
    inputs = step["inputs"]
    assert inputs["Runtime"] == "python3.11", inputs["Runtime"]
    namespace = {"__name__": "runbook_script_%s" % step_name}
    exec(compile(inputs["Script"], "%s:%s" % (os.path.basename(path), step_name), "exec"), namespace)
    return namespace[inputs["Handler"]]


def remediation_result(**overrides):
    result = {
        "action": "DISABLE_STALE_KEYS",
        "userId": USER_ID,
        "userName": "build-bot",
        "dryRun": False,
        "outcome": "DISABLED",
        "staleKeys": [
            {"accessKeyId": "AKIAIOSFODNN7EXAMPLE", "idleDays": 211, "neverUsed": False},
        ],
        "disabledKeyIds": ["AKIAIOSFODNN7EXAMPLE"],
        "skippedKeys": [{"accessKeyId": "AKIAI44QH8DHBEXAMPLE", "reason": "used 3 days ago"}],
        "message": "Disabled 1 of 2 access keys of build-bot (unused for more than 90 days)",
    }
    result.update(overrides)
    return result


def backout_result(**overrides):
    result = {
        "action": "RESTORE_KEYS",
        "userName": "build-bot",
        "restoredKeyIds": ["AKIAIOSFODNN7EXAMPLE"],
        "restoredKeys": [{
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "status": "Active",
            "lastUsedDate": "2024-01-05T10:00:00Z",
            "serviceName": "s3",
            "region": "us-east-1",
        }],
        "message": "Restored 1 access key of build-bot",
    }
    result.update(overrides)
    return result


# What Lambda puts in Payload when a Java handler throws (FunctionError "Unhandled").
JAVA_ERROR = {
    "errorMessage": "Access key AKIAIOSFODNN7EXAMPLE could not be restored: AccessDenied",
    "errorType": "java.lang.IllegalStateException",
    "stackTrace": ["com.example.RestoreHandler.handleRequest(RestoreHandler.java:42)"],
}


class NormalizeInputsTest(unittest.TestCase):
    def setUp(self):
        self.handler = script_handler(REMEDIATION, "NormalizeInputs")

    def test_typed_values_become_payload_strings(self):
        self.assertEqual(
            self.handler({"MaxAccessKeyAgeDays": 90, "DryRun": False}, None),
            {"MaxAccessKeyAgeDays": "90", "MaxNeverUsedKeyAgeDays": "90", "DryRun": "false"})
        self.assertEqual(
            self.handler({"MaxAccessKeyAgeDays": 3650, "MaxNeverUsedKeyAgeDays": "", "DryRun": True}, None),
            {"MaxAccessKeyAgeDays": "3650", "MaxNeverUsedKeyAgeDays": "3650", "DryRun": "true"})

    def test_string_values_are_accepted(self):
        self.assertEqual(
            self.handler({"MaxAccessKeyAgeDays": " 1 ", "MaxNeverUsedKeyAgeDays": " 30 ", "DryRun": "TRUE"}, None),
            {"MaxAccessKeyAgeDays": "1", "MaxNeverUsedKeyAgeDays": "30", "DryRun": "true"})

    def test_bad_never_used_days_fail_naming_the_parameter(self):
        for days in (0, "0", 3651, "thirty", "3.5", True):
            with self.subTest(days=days):
                with self.assertRaisesRegex(ValueError, "MaxNeverUsedKeyAgeDays"):
                    self.handler({"MaxAccessKeyAgeDays": 90, "MaxNeverUsedKeyAgeDays": days, "DryRun": False}, None)

    def test_out_of_range_days_fail(self):
        for days in (0, 3651, -5, "0", "99999"):
            with self.subTest(days=days):
                with self.assertRaisesRegex(ValueError, "MaxAccessKeyAgeDays"):
                    self.handler({"MaxAccessKeyAgeDays": days, "DryRun": False}, None)

    def test_non_integer_days_fail(self):
        for days in ("ninety", "3.5", 3.5, None, True, ""):
            with self.subTest(days=days):
                with self.assertRaisesRegex(ValueError, "whole number of days"):
                    self.handler({"MaxAccessKeyAgeDays": days, "DryRun": False}, None)

    def test_bad_dry_run_fails(self):
        for dry_run in ("yes", "1", None, 0):
            with self.subTest(dry_run=dry_run):
                with self.assertRaisesRegex(ValueError, "DryRun must be true or false"):
                    self.handler({"MaxAccessKeyAgeDays": 90, "DryRun": dry_run}, None)


class RemediationParseResultTest(unittest.TestCase):
    def setUp(self):
        self.handler = script_handler(REMEDIATION, "ParseResult")

    def event(self, payload, dry_run="false", **extra):
        event = {
            "Payload": payload if isinstance(payload, str) else json.dumps(payload),
            "ExpectedUserId": USER_ID,
            "ExpectedDryRun": dry_run,
        }
        event.update(extra)
        return event

    def test_success_payload_becomes_outputs(self):
        outputs = self.handler(self.event(remediation_result()), None)
        self.assertEqual(outputs, {
            "Outcome": "DISABLED",
            "UserName": "build-bot",
            "DisabledKeyIds": ["AKIAIOSFODNN7EXAMPLE"],
            "StaleKeyIds": ["AKIAIOSFODNN7EXAMPLE"],
            "SkippedKeyIds": ["AKIAI44QH8DHBEXAMPLE"],
            "Summary": "Disabled 1 of 2 access keys of build-bot (unused for more than 90 days)",
        })
        # The selectors of the step's outputs must find every value.
        document = load_document(REMEDIATION)
        step = [s for s in document["mainSteps"] if s["name"] == "ParseResult"][0]
        for output in step["outputs"]:
            self.assertTrue(output["Selector"].startswith("$.Payload."))
            self.assertIn(output["Selector"][len("$.Payload."):], outputs)

    def test_payload_already_decoded_is_accepted(self):
        outputs = self.handler(self.event(remediation_result()) | {"Payload": remediation_result()}, None)
        self.assertEqual(outputs["Outcome"], "DISABLED")

    def test_nothing_stale_and_user_not_found_are_successes(self):
        outputs = self.handler(self.event(remediation_result(
            outcome="NOTHING_STALE", staleKeys=[], disabledKeyIds=[], skippedKeys=[],
            message="No stale keys")), None)
        self.assertEqual((outputs["Outcome"], outputs["DisabledKeyIds"], outputs["StaleKeyIds"]),
                         ("NOTHING_STALE", [], []))
        outputs = self.handler(self.event(remediation_result(
            outcome="USER_NOT_FOUND", userName=None, staleKeys=[], disabledKeyIds=[], skippedKeys=[],
            message="User no longer exists")), None)
        self.assertEqual((outputs["Outcome"], outputs["UserName"]), ("USER_NOT_FOUND", ""))

    def test_dry_run_reports_without_disabling(self):
        outputs = self.handler(self.event(remediation_result(
            dryRun=True, outcome="DRY_RUN", disabledKeyIds=[], message="Would disable 1 key"),
            dry_run="true"), None)
        self.assertEqual(outputs["Outcome"], "DRY_RUN")
        self.assertEqual(outputs["StaleKeyIds"], ["AKIAIOSFODNN7EXAMPLE"])
        self.assertEqual(outputs["DisabledKeyIds"], [])

    def test_function_error_raises_with_its_message(self):
        event = self.event(JAVA_ERROR, FunctionError="Unhandled")
        with self.assertRaises(Exception) as raised:
            self.handler(event, None)
        self.assertIn("Unhandled", str(raised.exception))
        self.assertIn("could not be restored: AccessDenied", str(raised.exception))
        self.assertIn("java.lang.IllegalStateException", str(raised.exception))

    def test_error_payload_without_function_error_still_raises(self):
        # The runbook passes only the Payload (FunctionError is absent on success), so the error
        # object alone must fail the step.
        with self.assertRaisesRegex(Exception, "could not be restored: AccessDenied"):
            self.handler(self.event(JAVA_ERROR), None)
        timeout = {"errorMessage": "2024-05-01T10:00:00.000Z 1234 Task timed out after 300.00 seconds"}
        with self.assertRaisesRegex(Exception, "Task timed out"):
            self.handler(self.event(timeout), None)

    def test_function_error_with_unreadable_payload_raises(self):
        with self.assertRaisesRegex(Exception, r"failed \(Unhandled\).*Runtime exited"):
            self.handler(self.event("Runtime exited without providing a reason", FunctionError="Unhandled"), None)

    def test_unresolved_function_error_variable_is_ignored(self):
        outputs = self.handler(self.event(
            remediation_result(), FunctionError="\x7b\x7b DisableStaleKeys.FunctionError \x7d\x7d"), None)
        self.assertEqual(outputs["Outcome"], "DISABLED")

    def test_malformed_payload_raises_clearly(self):
        for payload, message in (
                ("{not json", "not JSON"),
                ("", "no payload"),
                ("null", "NoneType instead of a JSON object"),
                ("[1, 2]", "list instead of a JSON object"),
                (json.dumps({"action": "DISABLE_STALE_KEYS"}), "no valid 'userId' field"),
                (json.dumps(remediation_result(outcome="DELETED")), "Unknown outcome 'DELETED'"),
                (json.dumps(remediation_result(dryRun="false")), "no valid 'dryRun' field"),
                (json.dumps(remediation_result(staleKeys=[{"idleDays": 3}])), "has no accessKeyId"),
        ):
            with self.subTest(payload=payload):
                with self.assertRaisesRegex(Exception, message):
                    self.handler(self.event(payload), None)

    def test_missing_payload_raises(self):
        with self.assertRaisesRegex(Exception, "no payload"):
            self.handler({"ExpectedUserId": USER_ID, "ExpectedDryRun": "false"}, None)

    def test_inconsistent_results_raise(self):
        cases = (
            (remediation_result(action="RESTORE_KEYS"), "Expected action DISABLE_STALE_KEYS"),
            (remediation_result(userId="AIDAOTHERUSER0000000"), "answered for AIDAOTHERUSER0000000"),
            (remediation_result(disabledKeyIds=["AKIAI44QH8DHBEXAMPLE"]), "did not report as stale"),
            (remediation_result(outcome="DISABLED", disabledKeyIds=[]), "does not match disabledKeyIds"),
            (remediation_result(outcome="NOTHING_STALE"), "does not match disabledKeyIds"),
            (remediation_result(outcome="DRY_RUN", disabledKeyIds=[]), "DRY_RUN although dryRun is false"),
            (remediation_result(dryRun=True), "Requested dryRun=false"),
        )
        for payload, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(Exception, message):
                    self.handler(self.event(payload), None)
        with self.assertRaisesRegex(Exception, "Dry run, yet the function reports disabled keys"):
            self.handler(self.event(remediation_result(dryRun=True), dry_run="true"), None)

    def test_summary_is_bounded(self):
        outputs = self.handler(self.event(remediation_result(message="x" * 2000)), None)
        self.assertEqual(len(outputs["Summary"]), 500)


class BackoutParseResultTest(unittest.TestCase):
    def setUp(self):
        self.handler = script_handler(BACKOUT, "ParseResult")

    def event(self, payload, requested="", **extra):
        event = {
            "Payload": payload if isinstance(payload, str) else json.dumps(payload),
            "ExpectedUserName": "build-bot",
            "RequestedAccessKeyIds": requested,
        }
        event.update(extra)
        return event

    def test_success_payload_becomes_outputs(self):
        outputs = self.handler(self.event(backout_result()), None)
        self.assertEqual(outputs, {
            "UserName": "build-bot",
            "RestoredKeyIds": ["AKIAIOSFODNN7EXAMPLE"],
            "Summary": "Restored 1 access key of build-bot",
        })
        document = load_document(BACKOUT)
        step = [s for s in document["mainSteps"] if s["name"] == "ParseResult"][0]
        for output in step["outputs"]:
            self.assertIn(output["Selector"][len("$.Payload."):], outputs)

    def test_requested_keys_are_respected(self):
        outputs = self.handler(self.event(
            backout_result(), requested="AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE"), None)
        self.assertEqual(outputs["RestoredKeyIds"], ["AKIAIOSFODNN7EXAMPLE"])
        with self.assertRaisesRegex(Exception, "restored keys that were not requested: AKIAIOSFODNN7EXAMPLE"):
            self.handler(self.event(backout_result(), requested="AKIAI44QH8DHBEXAMPLE"), None)

    def test_user_name_given_in_another_case_is_the_same_user(self):
        # IAM names are unique whatever their case; IAM answers with the name as created.
        outputs = self.handler(self.event(backout_result(), ExpectedUserName="Build-Bot"), None)
        self.assertEqual(outputs["UserName"], "build-bot")

    def test_nothing_to_restore_is_reported(self):
        outputs = self.handler(self.event(backout_result(restoredKeyIds=[], restoredKeys=[], message="")), None)
        self.assertEqual(outputs["RestoredKeyIds"], [])
        self.assertEqual(outputs["Summary"], "Restored 0 key(s) of build-bot: none")

    def test_function_error_raises_with_its_message(self):
        with self.assertRaisesRegex(Exception, r"Unhandled.*could not be restored: AccessDenied"):
            self.handler(self.event(JAVA_ERROR, FunctionError="Unhandled"), None)
        with self.assertRaisesRegex(Exception, "could not be restored: AccessDenied"):
            self.handler(self.event(JAVA_ERROR), None)

    def test_malformed_payload_raises_clearly(self):
        for payload, message in (
                ("<html>502</html>", "not JSON"),
                ("   ", "no payload"),
                ("\"done\"", "str instead of a JSON object"),
                (json.dumps({"action": "RESTORE_KEYS", "userName": "build-bot"}), "no valid 'restoredKeyIds' field"),
                (json.dumps(backout_result(restoredKeyIds=[""])), "restoredKeyIds must be a list of key ids"),
        ):
            with self.subTest(payload=payload):
                with self.assertRaisesRegex(Exception, message):
                    self.handler(self.event(payload), None)

    def test_inconsistent_results_raise(self):
        cases = (
            (backout_result(action="DISABLE_STALE_KEYS"), "Expected action RESTORE_KEYS"),
            (backout_result(userName="someone-else"), "answered for someone-else"),
            (backout_result(restoredKeys=[{"accessKeyId": "AKIAIOSFODNN7EXAMPLE", "status": "Inactive"}]),
             "reported Inactive after the restore"),
        )
        for payload, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(Exception, message):
                    self.handler(self.event(payload), None)


class RunbookShapeTest(unittest.TestCase):
    """The payload the runbooks send is the remediation function's contract, field for field."""

    def invoke_step(self, path):
        steps = [s for s in load_document(path)["mainSteps"] if s["action"] == "aws:invokeLambdaFunction"]
        self.assertEqual(len(steps), 1)
        return steps[0]

    def test_remediation_payload_fields(self):
        step = self.invoke_step(REMEDIATION)
        self.assertEqual(step["inputs"]["InvocationType"], "RequestResponse")
        self.assertEqual(step["inputs"]["FunctionName"], "{{ RemediationFunction }}")
        self.assertEqual(step["inputs"]["InputPayload"], {
            "action": "DISABLE_STALE_KEYS",
            "userId": "{{ IAMUserId }}",
            "maxAccessKeyAgeDays": "{{ NormalizeInputs.MaxAccessKeyAgeDays }}",
            "maxNeverUsedKeyAgeDays": "{{ NormalizeInputs.MaxNeverUsedKeyAgeDays }}",
            "dryRun": "{{ NormalizeInputs.DryRun }}",
            "exemptUsers": "{{ ExemptUsers }}",
            "exemptionTagKey": "{{ ExemptionTagKey }}",
            "automationExecutionId": "{{ automation:EXECUTION_ID }}",
        })

    def test_backout_payload_fields(self):
        step = self.invoke_step(BACKOUT)
        self.assertEqual(step["inputs"]["InvocationType"], "RequestResponse")
        self.assertEqual(step["inputs"]["InputPayload"], {
            "action": "RESTORE_KEYS",
            "userName": "{{ IAMUserName }}",
            "accessKeyIds": "{{ AccessKeyIds }}",
            "remediationExecutionId": "{{ RemediationExecutionId }}",
            "graceDays": "{{ GraceDays }}",
            "automationExecutionId": "{{ automation:EXECUTION_ID }}",
        })

    def test_parameter_patterns(self):
        import re
        remediation = load_document(REMEDIATION)["parameters"]
        backout = load_document(BACKOUT)["parameters"]

        def matches(parameters, name, value):
            # Python's re has no \p{..}; the tag key pattern is checked by validate.mjs instead.
            return re.fullmatch(parameters[name]["allowedPattern"], value) is not None

        self.assertTrue(matches(remediation, "IAMUserId", USER_ID))
        self.assertFalse(matches(remediation, "IAMUserId", "build-bot"))
        self.assertTrue(matches(remediation, "ExemptUsers", ""))
        self.assertTrue(matches(remediation, "ExemptUsers", "break-glass,AIDAJQABLZS4A3QDU576Q,ci.bot@corp"))
        self.assertFalse(matches(remediation, "ExemptUsers", "a,,b"))
        self.assertFalse(matches(remediation, "ExemptUsers", "a;rm -rf"))
        self.assertTrue(matches(remediation, "MaxNeverUsedKeyAgeDays", ""))
        self.assertTrue(matches(remediation, "MaxNeverUsedKeyAgeDays", "30"))
        self.assertFalse(matches(remediation, "MaxNeverUsedKeyAgeDays", "0"))
        self.assertFalse(matches(remediation, "MaxNeverUsedKeyAgeDays", "30 days"))
        for function in ("key-remediation",
                         "key-remediation:live",
                         "arn:aws:lambda:eu-west-1:123456789012:function:key-remediation",
                         "arn:aws:lambda:us-gov-west-1:123456789012:function:key-remediation:live",
                         "arn:aws:lambda:eu-west-1:123456789012:function:key-remediation:$LATEST"):
            self.assertTrue(matches(remediation, "RemediationFunction", function), function)
        self.assertFalse(matches(remediation, "RemediationFunction", "arn:aws:s3:::bucket"))
        self.assertTrue(matches(remediation, "AutomationAssumeRole",
                                "arn:aws:iam::123456789012:role/service-role/KeyRemediation"))
        self.assertTrue(matches(backout, "IAMUserName", "ci.bot@corp"))
        self.assertTrue(matches(backout, "AccessKeyIds", ""))
        self.assertTrue(matches(backout, "AccessKeyIds", "AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE"))
        self.assertFalse(matches(backout, "AccessKeyIds", "AKIAIOSFODNN7EXAMPLE, AKIAI44QH8DHBEXAMPLE"))
        self.assertFalse(matches(backout, "AccessKeyIds", "AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE,AKIAJJJJJJJJJEXAMPLE"))
        self.assertTrue(matches(backout, "RemediationExecutionId", ""))
        self.assertTrue(matches(backout, "RemediationExecutionId", EXECUTION_ID))
        self.assertFalse(matches(backout, "RemediationExecutionId", "latest"))
        for days in ("0", "1", "30", "99", "100", "299", "359", "365"):
            self.assertTrue(matches(backout, "GraceDays", days), days)
        for days in ("", "366", "400", "-1", "030", "1.5", "30 "):
            self.assertFalse(matches(backout, "GraceDays", days), days)
        self.assertEqual(backout["GraceDays"]["default"], "30")


if __name__ == "__main__":
    unittest.main()
