"""deploy/guardrail-scp.json: the sample service control policy that keeps the functions, their roles, the audit
key and the audit tags to the deploying role (and the remediation, for its own tags). Checked as the template's
policies are: real actions only, the names the template gives, and within the limits of an SCP."""

import json
import os
import unittest

import templates as t
from test_templates import iam_reference

SCP = os.path.join(t.ROOT, "deploy", "guardrail-scp.json")
DEPLOYER = "arn:*:iam::*:role/REPLACE-WITH-DEPLOYER-ROLE"
# Organizations' quota on a service control policy's size (characters, whitespace included, as attached).
MAX_SCP_CHARACTERS = 5120


class GuardrailScpTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(SCP, encoding="utf-8") as handle:
            cls.text = handle.read()
        cls.policy = json.loads(cls.text)
        cls.statements = cls.policy["Statement"]
        cls.cfn = t.parse(t.SAM_TEMPLATE)

    def denied(self):
        found = {}
        for statement in self.statements:
            for action in t.as_list(statement["Action"]):
                found[action] = statement
        return found

    def test_it_only_denies_and_fits_an_scp(self):
        self.assertEqual("2012-10-17", self.policy["Version"])
        for statement in self.statements:
            with self.subTest(sid=statement["Sid"]):
                self.assertEqual("Deny", statement["Effect"])
                self.assertNotIn("NotAction", statement)
        self.assertLessEqual(len(json.dumps(self.policy, separators=(",", ":"))), MAX_SCP_CHARACTERS)

    def test_every_action_exists(self):
        reference = iam_reference()
        for action in self.denied():
            service, _, name = action.partition(":")
            with self.subTest(action=action):
                self.assertIn(name.lower(), reference[service]["Actions"])

    def test_it_denies_every_way_named_to_subvert_the_functions(self):
        denied = self.denied()
        # iam:CreateRole: the audit key's policy names the roles by ARN (aws:PrincipalArn), so whoever creates a role
        # under one of those names, while the stack is away, may seal records.
        for action in ("lambda:UpdateFunctionCode", "lambda:UpdateAlias", "lambda:PublishVersion", "iam:PassRole",
                       "kms:PutKeyPolicy", "iam:TagUser", "iam:UntagUser", "kms:UntagResource", "iam:CreateRole"):
            with self.subTest(action=action):
                self.assertIn(action, denied)

    def test_the_deploying_role_is_excepted_everywhere(self):
        for statement in self.statements:
            with self.subTest(sid=statement["Sid"]):
                self.assertIn(DEPLOYER, t.as_list(statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"]))

    def test_the_remediation_may_still_write_its_audit_tags(self):
        tags = self.denied()["iam:TagUser"]
        self.assertEqual(["StaleKeyRemediation:*"], tags["Condition"]["ForAnyValue:StringLike"]["aws:TagKeys"])
        self.assertIn("arn:*:iam::*:role/StaleKeys-remediation", tags["Condition"]["ArnNotLike"]["aws:PrincipalArn"])

    def test_names_are_the_templates_with_its_default_prefix(self):
        prefix = self.cfn["Parameters"]["ResourcePrefix"]["Default"]
        resources = self.cfn["Resources"]
        for function in ("EvaluatorFunction", "RemediationFunction"):
            name = resources[function]["Properties"]["FunctionName"]["Fn::Sub"].replace("${ResourcePrefix}", prefix)
            with self.subTest(function=name):
                self.assertIn("arn:*:lambda:*:*:function:" + name, self.denied()["lambda:UpdateFunctionCode"]["Resource"])
        for role in ("EvaluatorRole", "RemediationRole", "AutomationRole"):
            name = resources[role]["Properties"]["RoleName"]["Fn::Sub"].replace("${ResourcePrefix}", prefix)
            with self.subTest(role=name):
                self.assertIn("arn:*:iam::*:role/" + name, self.denied()["iam:PassRole"]["Resource"])

    def test_the_audit_key_carries_the_tag_the_policy_protects_it_by(self):
        key = self.denied()["kms:PutKeyPolicy"]
        (tag_key,) = [k.split("/", 1)[1] for k in key["Condition"]["StringEquals"]]
        tags = {tag["Key"]: tag["Value"] for tag in self.cfn["Resources"]["AuditRecordKey"]["Properties"]["Tags"]}
        self.assertEqual(tags[tag_key], key["Condition"]["StringEquals"]["aws:ResourceTag/" + tag_key])


if __name__ == "__main__":
    unittest.main()
