"""The template's Security Hub findings (permissions, setting) and its optional IAM Access Analyzer rule, offline.

The rule's event pattern and input transformer are run through moto's EventBridge implementation (an independent
reading of both) against the real-shaped sample event in events/: it starts the remediation runbook with the
user's ARN, and a foreign or unrelated event matches nothing.
"""
import copy
import json
import os
import re
import unittest

from moto.events.models import EventPattern
from moto.events.utils import EventTemplateParser

import cfn_eval as cfn
import templates as t
from test_templates import iam_reference

SAMPLE = os.path.join(t.ROOT, "events", "access-analyzer-unused-access-key.json")
RUNBOOK = os.path.join(t.ROOT, "ssm-documents", "disable-unused-access-keys.yaml")
ACCOUNT = cfn.PSEUDO_PARAMETERS["AWS::AccountId"]


class SecurityHubFindingsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)

    def evaluator_statements(self, value):
        values = dict(cfn.defaults(self.source), SecurityHubFindings=value)
        role = cfn.resolved_properties(self.source, "EvaluatorRole", values)
        return [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]

    def test_disabled_by_default_with_no_security_hub_permission(self):
        self.assertEqual(self.source["Parameters"]["SecurityHubFindings"]["Default"], "Disabled")
        actions = {a for s in self.evaluator_statements("Disabled") for a in t.as_list(s["Action"])}
        self.assertFalse({a for a in actions if a.startswith("securityhub:")}, actions)

    def test_enabled_grants_import_on_the_default_product_and_reads_on_the_hub(self):
        # Service Authorization Reference (cfn-lint's copy): BatchImportFindings authorizes on "product",
        # GetFindings on "hub".
        reference = iam_reference()["securityhub"]
        self.assertEqual(reference["Actions"]["batchimportfindings"]["Resources"], ["product"])
        self.assertIn("hub", reference["Actions"]["getfindings"]["Resources"])
        by_action = {a: s for s in self.evaluator_statements("Enabled") for a in t.as_list(s["Action"])}
        region = cfn.PSEUDO_PARAMETERS["AWS::Region"]
        self.assertEqual(by_action["securityhub:BatchImportFindings"]["Resource"],
                         "arn:aws:securityhub:%s:%s:product/%s/default" % (region, ACCOUNT, ACCOUNT))
        self.assertEqual(by_action["securityhub:GetFindings"]["Resource"],
                         "arn:aws:securityhub:%s:%s:hub/default" % (region, ACCOUNT))
        for resource_type, arn in (("product", by_action["securityhub:BatchImportFindings"]["Resource"]),
                                   ("hub", by_action["securityhub:GetFindings"]["Resource"])):
            formats = reference["Resources"][resource_type]["ARNFormats"]
            pattern = "|".join(f.replace("${Partition}", "aws").replace("${Region}", region)
                               .replace("${Account}", ACCOUNT).replace("${CompanyId}", ".*")
                               .replace("${ProductId}", ".*") for f in formats)
            self.assertRegex(arn, "^(%s)$" % pattern, resource_type)

    def test_readme_points_to_the_one_cost_table(self):
        """The price per ingestion event (https://aws.amazon.com/security-hub/pricing/) is in deploy/cost-table,
        whose output deploy/README.md holds (test_constraints.CostTableTest); the README links to it."""
        with open(os.path.join(t.ROOT, "docs", "security-hub.md"), encoding="utf-8") as handle:
            readme = handle.read()
        self.assertIn("USD 0.00003 an event", readme)
        self.assertIn("(../deploy/README.md#costs)", readme)

    def test_the_function_gets_the_setting_and_the_runbook_names(self):
        values = dict(cfn.defaults(self.source), SecurityHubFindings="Enabled")
        function = cfn.resolved_properties(self.source, "EvaluatorFunction", values)
        env = function["Environment"]["Variables"]
        self.assertEqual(env["SECURITY_HUB_FINDINGS"], "Enabled")
        runbook = cfn.resolved_properties(self.source, "RemediationRunbook", values)["Name"]
        self.assertEqual(env["REMEDIATION_RUNBOOK_NAME"], runbook)
        self.assertEqual(env["BACKOUT_RUNBOOK_NAME"],
                         cfn.resolved_properties(self.source, "BackoutRunbook", values)["Name"])
        self.assertIn("security hub findings Enabled", function["VersionDescription"])


class AccessAnalyzerRuleTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)
        cls.values = dict(cfn.defaults(cls.source), AccessAnalyzerRemediation="Enabled")
        cls.translated = cfn.translate(cls.values)
        cls.rule = cfn.resolved_properties(cls.translated, "AccessAnalyzerFindingsRule", cls.values)
        with open(SAMPLE, encoding="utf-8") as handle:
            cls.sample = json.load(handle)
        cls.runbook = t.runbook(RUNBOOK)

    def matches(self, event):
        return EventPattern(json.dumps(self.rule["EventPattern"]), self.rule["EventPattern"]).matches_event(event)

    def started_with(self, event):
        target = self.rule["Targets"][0]
        transformer = target["InputTransformer"]
        rendered = (EventTemplateParser.parse(
            input_template=transformer["InputTemplate"], input_paths_map=transformer["InputPathsMap"],
            event=dict(event, **{"ingestion-time": event["time"]})))  # moto's parser wants the ingestion time
        return rendered if isinstance(rendered, dict) else json.loads(rendered)

    def test_off_by_default(self):
        self.assertEqual(self.source["Parameters"]["AccessAnalyzerRemediation"]["Default"], "Disabled")
        for logical_id in ("AccessAnalyzerFindingsRule", "AccessAnalyzerEventsRole"):
            self.assertEqual(self.source["Resources"][logical_id]["Condition"], "RemediatesAccessAnalyzerFindings")

    def test_the_sample_starts_the_remediation_runbook_for_its_user(self):
        self.assertTrue(self.matches(self.sample))
        target = self.rule["Targets"][0]
        runbook = cfn.resolve({"Ref": "RemediationRunbook"}, self.translated, self.values)
        self.assertEqual(target["Arn"], "arn:aws:ssm:%s:%s:automation-definition/%s:$DEFAULT"
                         % (cfn.PSEUDO_PARAMETERS["AWS::Region"], ACCOUNT, runbook))
        parameters = self.started_with(self.sample)
        self.assertEqual(parameters["IAMUserId"], [self.sample["detail"]["resource"]])
        declared = self.runbook["parameters"]
        self.assertLessEqual(set(parameters), set(declared), "only parameters the runbook declares")
        for name, value in parameters.items():
            with self.subTest(parameter=name):
                self.assertEqual(len(value), 1)
                pattern = declared[name].get("allowedPattern")
                if pattern and "<" not in value[0]:
                    self.assertRegex(value[0], pattern.replace("\\p{L}", "a-zA-Z").replace("\\p{Z}", " ")
                                     .replace("\\p{N}", "0-9"))

    def test_a_foreign_or_unrelated_event_starts_nothing(self):
        def variant(change):
            event = copy.deepcopy(self.sample)
            change(event)
            return event

        refused = {
            "another account": variant(lambda e: e.update(account="210987654321")),
            "another account's user": variant(
                lambda e: e["detail"].update(resource="arn:aws:iam::210987654321:user/alice")),
            "a role": variant(lambda e: e["detail"].update(resource="arn:aws:iam::%s:role/app" % ACCOUNT,
                                                           resourceType="AWS::IAM::Role")),
            "unused password": variant(lambda e: e["detail"].update(findingType="UnusedIAMUserPassword")),
            "resolved finding": variant(lambda e: e["detail"].update(status="RESOLVED")),
            "archived finding": variant(lambda e: e["detail"].update(status="ARCHIVED")),
            "another source": variant(lambda e: e.update(source="io.github.stalekeys")),
            "external access": variant(lambda e: e.update(**{"detail-type": "Access Analyzer Finding"})),
        }
        for why, event in refused.items():
            with self.subTest(why):
                self.assertFalse(self.matches(event))

    def test_the_events_role_may_only_start_that_runbook_and_pass_the_automation_role_to_ssm(self):
        role = cfn.resolved_properties(self.translated, "AccessAnalyzerEventsRole", self.values)
        trust = role["AssumeRolePolicyDocument"]["Statement"][0]
        self.assertEqual(trust["Principal"], {"Service": "events.amazonaws.com"})
        self.assertEqual(trust["Condition"], {"StringEquals": {"aws:SourceAccount": ACCOUNT}})
        statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
        by_action = {a: s for s in statements for a in t.as_list(s["Action"])}
        self.assertEqual(set(by_action), {"ssm:StartAutomationExecution", "iam:PassRole"})
        runbook = cfn.resolve({"Ref": "RemediationRunbook"}, self.translated, self.values)
        self.assertTrue(by_action["ssm:StartAutomationExecution"]["Resource"].endswith(
            ":automation-definition/%s:*" % runbook))
        self.assertEqual(by_action["iam:PassRole"]["Condition"],
                         {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}})

    def test_readme_says_the_rules_threshold_wins(self):
        with open(os.path.join(t.ROOT, "docs", "security-hub.md"), encoding="utf-8") as handle:
            readme = handle.read()
        self.assertTrue("the rule's threshold wins over the analyzer's tracking period" in readme,
                        "README.md must say that the rule's threshold wins")


if __name__ == "__main__":
    unittest.main()
