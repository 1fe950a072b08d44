"""Checks over the organization rollout, offline: the member template the generator writes, the artifact
bucket and the aggregator templates.

    python3 -m unittest discover -s deploy/checks

Each template is linted with cfn-lint and gets the single-account template's least-privilege checks. The
member template is the generator's real output (it reads the .zip packages `mvn -B package` builds).
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

import cfn_eval as cfn
import templates as t
import test_templates as single

sys.path.insert(0, os.path.join(t.ROOT, "deploy", "organization"))
import member_template  # noqa: E402

ORGANIZATION = os.path.join(t.ROOT, "deploy", "organization")
BUCKET = "stalekeys-artifacts-example"
RUNBOOKS = {
    "ssm-documents/disable-unused-access-keys.yaml": single.RUNBOOK_FILES["disable"],
    "ssm-documents/restore-access-keys.yaml": single.RUNBOOK_FILES["restore"],
}


def cfn_lint(text):
    from cfnlint.api import ManualArgs, lint

    return [str(match) for match in lint(text, config=ManualArgs(regions=["us-east-1"]))]


def run_generator(*args):
    """(exit code, stdout, stderr, template or None) of the command, as the rollout runs it."""
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as scratch:
        output = os.path.join(scratch, "member.json")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = member_template.main(["--output", output] + list(args))
            except SystemExit as exit_:
                code = exit_.code
        template = None
        if os.path.isfile(output):
            with open(output, encoding="utf-8") as handle:
                template = handle.read()
    return code, out.getvalue(), err.getvalue(), template


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def all_statements(document):
    return t.as_list(document["Statement"])


def find_values(node, key):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from find_values(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from find_values(item, key)


class MemberTemplateTest(unittest.TestCase):
    """What every account of the organization gets from the StackSet."""

    @classmethod
    def setUpClass(cls):
        code, cls.stdout, stderr, text = run_generator("--bucket", BUCKET)
        if code != 0:
            raise AssertionError("the generator failed (%s): %s" % (code, stderr))
        cls.text = text
        cls.cfn = json.loads(text)
        cls.resolved = {name: t.with_conditions(cls.cfn, conditions) for name, conditions in t.scenarios(cls.cfn).items()}

    def test_it_is_plain_cloudformation_without_any_transform(self):
        # CreateStackSet API reference, Capabilities: StackSets with service-managed permissions don't support
        # macros, including the AWS::Include and AWS::Serverless transforms.
        self.assertEqual(member_template.transforms_left(self.cfn), [])
        self.assertNotIn("AWS::Serverless", self.text.replace("AWS::Serverless-2016-10-31", ""))
        types = {res["Type"] for res in self.cfn["Resources"].values()}
        self.assertFalse([ty for ty in types if ty.startswith("AWS::Serverless::")], types)

    def test_it_passes_cfn_lint(self):
        self.assertEqual(cfn_lint(self.text), [])

    def test_it_fits_the_template_size_cloudformation_reads_from_s3(self):
        # CloudFormation quotas: 460,800 bytes for CreateStack from S3 (1 MB for CreateStackSet).
        self.assertLessEqual(len(self.text.encode("utf-8")), 460800)

    def test_functions_run_the_built_packages_from_the_bucket_under_their_sha256(self):
        functions = t.resources_of(self.cfn, "AWS::Lambda::Function")
        expected = {
            "EvaluatorFunction": os.path.join(t.ROOT, "rule-evaluator/target/rule-evaluator-lambda.zip"),
            "RemediationFunction": os.path.join(t.ROOT, "remediation/target/remediation-lambda.zip"),
        }
        self.assertEqual(set(functions), set(expected))
        uploads = dict(line.split(" ") for line in self.stdout.strip().splitlines())
        for name, zip_path in expected.items():
            with self.subTest(function=name):
                stem = os.path.basename(zip_path)[: -len(".zip")]
                key = "stale-keys/%s-%s.zip" % (stem, sha256(zip_path))
                self.assertEqual(functions[name]["Properties"]["Code"], {"S3Bucket": BUCKET, "S3Key": key})
                self.assertEqual(uploads[zip_path], key, "the command names what to upload where")
                self.assertEqual(functions[name]["Properties"]["SnapStart"], {"ApplyOn": "PublishedVersions"})

    def test_the_runbooks_are_the_files_of_ssm_documents(self):
        documents = t.resources_of(self.cfn, "AWS::SSM::Document")
        contents = [doc["Properties"]["Content"] for doc in documents.values()]
        self.assertEqual(len(contents), 2)
        for path in RUNBOOKS.values():
            with self.subTest(runbook=path):
                self.assertIn(t.runbook(path), contents)

    def test_a_code_change_publishes_a_new_version_and_the_same_code_the_same(self):
        with tempfile.TemporaryDirectory() as scratch:
            copy_root = os.path.join(scratch, "repo")
            for relative in ("template.yaml", "rule-evaluator/target/rule-evaluator-lambda.zip",
                             "remediation/target/remediation-lambda.zip") + tuple(RUNBOOKS):
                os.makedirs(os.path.dirname(os.path.join(copy_root, relative)), exist_ok=True)
                shutil.copy(os.path.join(t.ROOT, relative), os.path.join(copy_root, relative))
            template = os.path.join(copy_root, "template.yaml")
            again, _ = member_template.generate(template, BUCKET)
            with open(os.path.join(copy_root, "rule-evaluator/target/rule-evaluator-lambda.zip"), "ab") as handle:
                handle.write(b"\0")
            changed, _ = member_template.generate(template, BUCKET)

        def versions(cfn):
            return {res["Properties"]["FunctionName"]["Ref"]: name
                    for name, res in t.resources_of(cfn, "AWS::Lambda::Version").items()}

        self.assertEqual(versions(again), versions(self.cfn), "same code, same version: nothing republished")
        self.assertNotEqual(versions(changed)["EvaluatorFunction"], versions(self.cfn)["EvaluatorFunction"])
        self.assertEqual(versions(changed)["RemediationFunction"], versions(self.cfn)["RemediationFunction"])

    def test_no_wildcard_action_and_star_resources_only_where_iam_allows_nothing_else(self):
        for scenario, template in self.resolved.items():
            with self.subTest(scenario=scenario):
                single.check_no_wildcard_actions(self, template)
                single.check_star_resources(self, template)

    def test_no_role_trusts_another_account_and_none_may_assume_a_role(self):
        # Each account runs the rule, the remediation and the backout with its own roles: no cross-account
        # trust at all, so a principal of one member account cannot act in another through these stacks.
        for scenario, template in self.resolved.items():
            for name, role in t.resources_of(template, "AWS::IAM::Role").items():
                with self.subTest(scenario=scenario, role=name):
                    for statement in all_statements(role["Properties"]["AssumeRolePolicyDocument"]):
                        self.assertEqual(set(statement["Principal"]), {"Service"})
                        self.assertEqual(statement["Condition"]["StringEquals"]["aws:SourceAccount"],
                                         {"Ref": "AWS::AccountId"})
            for where, document in t.policy_documents(template):
                with self.subTest(scenario=scenario, policy=where):
                    self.assertNotIn("sts:AssumeRole", t.actions_of(all_statements(document)))

    def test_iam_resources_are_this_accounts(self):
        for where, document in t.policy_documents(self.resolved["all conditions true"]):
            for statement in all_statements(document):
                for resource in t.as_list(statement["Resource"]):
                    text = json.dumps(resource)
                    if ":iam::" in text:
                        with self.subTest(policy=where, sid=statement.get("Sid")):
                            self.assertIn("${AWS::AccountId}", text)

    def test_config_invokes_the_rule_only_for_this_account(self):
        (permission,) = t.resources_of(self.cfn, "AWS::Lambda::Permission").values()
        self.assertEqual(permission["Properties"]["Principal"], "config.amazonaws.com")
        self.assertEqual(permission["Properties"]["SourceAccount"], {"Ref": "AWS::AccountId"})

    def test_the_rule_remediation_and_backout_are_in_every_account(self):
        (rule_name,) = t.resources_of(self.cfn, "AWS::Config::ConfigRule")
        (remediation,) = t.resources_of(self.cfn, "AWS::Config::RemediationConfiguration").values()
        self.assertEqual(remediation["Properties"]["ConfigRuleName"], {"Ref": rule_name})
        self.assertEqual(remediation["Properties"]["Parameters"]["IAMUserId"], {"ResourceValue": {"Value": "RESOURCE_ID"}})
        single.check_remediation_parameters(self, self.cfn)

    def test_the_remediation_reads_its_settings_from_the_rule_of_its_account(self):
        single.check_remediation_serves_the_rule(self, self.cfn)

    def test_the_cross_account_mode_is_cut_out(self):
        for name in member_template.CROSS_ACCOUNT_PARAMETERS:
            self.assertNotIn(name, self.cfn["Parameters"])
            self.assertNotIn(name, self.text)
        (rule,) = t.resources_of(self.cfn, "AWS::Config::ConfigRule").values()
        self.assertNotIn("executionRoleName", rule["Properties"]["InputParameters"])

    def test_every_parameter_is_used(self):
        single.check_every_parameter_used(self, self.cfn)


class MemberTemplateCommandTest(unittest.TestCase):
    """The generator's inputs: what it takes, and what it refuses with a message naming the input."""

    def test_parameter_values_become_the_defaults_the_stackset_uses(self):
        code, _, stderr, text = run_generator("--bucket", BUCKET, "--parameter", "AutomaticRemediation=true",
                                              "--parameter", "MaxAccessKeyAgeDays=120")
        self.assertEqual(code, 0, stderr)
        params = json.loads(text)["Parameters"]
        self.assertEqual(params["AutomaticRemediation"]["Default"], "true")
        self.assertEqual(params["MaxAccessKeyAgeDays"]["Default"], "120")

    def test_refusals_name_the_input(self):
        cases = {
            "unknown parameter": (["--bucket", BUCKET, "--parameter", "NoSuchThing=1"], "NoSuchThing"),
            "cross-account role": (["--bucket", BUCKET, "--parameter", "ExecutionRoleName=Admin"], "ExecutionRoleName"),
            "not an allowed value": (["--bucket", BUCKET, "--parameter", "AutomaticRemediation=yes"],
                                     "AutomaticRemediation=yes"),
            "out of range": (["--bucket", BUCKET, "--parameter", "MaxAccessKeyAgeDays=0"], "MaxAccessKeyAgeDays=0"),
            "not a bucket name": (["--bucket", "Not_A_Bucket"], "--bucket"),
        }
        for case, (args, named) in cases.items():
            with self.subTest(case=case):
                code, stdout, stderr, text = run_generator(*args)
                self.assertEqual(code, 2)
                self.assertIn(named, stderr)
                self.assertIsNone(text, "nothing is written on a refusal")
                self.assertEqual(stdout, "")

    def test_every_problem_is_named_at_once_one_line_each(self):
        code, stdout, stderr, text = run_generator(
            "--bucket", BUCKET, "--parameter", "ExecutionRoleName=foo", "--parameter", "MaxAccessKeyAgeDays=abc",
            "--parameter", "NoSuchParam=1", "--parameter", "RefreshDays=1", "--parameter", "RefreshDays=2",
            "--resource-prefix", "awsStale")
        self.assertEqual((code, stdout, text), (2, "", None))
        lines = stderr.splitlines()
        self.assertEqual(len(lines), 5, stderr)
        self.assertTrue(all(line.startswith("member_template: ") for line in lines), stderr)
        for named in ("--parameter RefreshDays given more than once", "--parameter ExecutionRoleName:",
                      "--parameter MaxAccessKeyAgeDays=abc: a whole number is expected",
                      "--parameter NoSuchParam=1: template.yaml has no parameter NoSuchParam",
                      "--resource-prefix awsStale: 1 to 32 letters, digits and hyphens"):
            self.assertIn(named, stderr)
        # The constraint in words (ConstraintDescription), not the 400-character pattern.
        self.assertNotIn("(?:", stderr)

    def test_it_refuses_what_cloudformation_would_refuse_and_accepts_what_it_accepts(self):
        # CloudFormation's parameter checks (AllowedPattern as a Java regex, lengths, AllowedValues, ranges),
        # as deploy/checks/cfn_eval.py states them; the generator would otherwise write a template whose
        # StackSet operation fails in every account. Number parameters must also be whole numbers.
        declared = t.parse(t.SAM_TEMPLATE)["Parameters"]
        samples = {
            "ExemptionTagKey": ["Owner", "Kostenstelle-Ä", "team:id", "no,commas", "x" * 129, ""],
            "OwnerTagKey": ["owner", "bad;key"],
            "ExemptUsers": ["alice,bob", "alice, bob", "a" * 257],
            "ConfigRuleName": ["my-rule", "has space", "x" * 65],
            "MaxNeverUsedKeyAgeDays": ["", "30", "0", "3651"],
            "NotificationEmail": ["ops@example.com", "not-an-address"],
            "MaxAccessKeyAgeDays": ["90", "0", "3651", "abc", "nan", "1e2", "-5"],
            "LogRetentionDays": ["30", "2"],
            "AutomaticRemediation": ["true", "True"],
            "RemediationTimeout": ["300", "301"],
        }
        for name, values in samples.items():
            for value in values:
                with self.subTest(parameter=name, value=value[:20]):
                    refused_by_cloudformation = cfn.parameter_problem(name, declared[name], value) is not None
                    code, _, stderr, _ = run_generator("--bucket", BUCKET, "--parameter", "%s=%s" % (name, value))
                    if refused_by_cloudformation:
                        self.assertEqual(code, 2)
                        self.assertIn("--parameter %s=" % name, stderr)
                    elif declared[name]["Type"] == "Number" and not value.isdigit():
                        # A Number CloudFormation may read (1e2, nan), but no whole number of days.
                        self.assertEqual(code, 2)
                        self.assertIn("--parameter %s=%s: a whole number is expected" % (name, value), stderr)
                    else:
                        self.assertEqual(code, 0, stderr)

    def test_check_prints_what_every_account_gets_and_writes_nothing(self):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = member_template.main(["--check", "--parameter", "AutomaticRemediation=true"])
        self.assertEqual(code, 0, err.getvalue())
        text = out.getvalue()
        self.assertRegex(text, r"Member stack, in every target account \(\d+ resources, template \d+ bytes\)")
        self.assertRegex(text, r"(?m)^  AutomaticRemediation +true   <- --parameter$")
        self.assertRegex(text, r"(?m)^  RemediationDryRun +false$")
        self.assertIn("stale-keys/rule-evaluator-lambda-%s.zip"
                      % sha256(os.path.join(t.ROOT, "rule-evaluator/target/rule-evaluator-lambda.zip")), text)

    def test_inputs_only_skips_the_translation_but_not_the_checks(self):
        code, stdout, stderr, text = run_generator("--check", "--inputs-only", "--parameter", "RefreshDays=99")
        self.assertEqual((code, text), (2, None))
        self.assertIn("--parameter RefreshDays=99: allowed range is 1 to 60", stderr)
        code, stdout, stderr, text = run_generator("--check", "--inputs-only")
        self.assertEqual((code, stdout, stderr, text), (0, "", "", None))

    def test_a_package_not_built_is_named_with_the_build_command(self):
        with tempfile.TemporaryDirectory() as scratch:
            shutil.copy(t.SAM_TEMPLATE, os.path.join(scratch, "template.yaml"))
            shutil.copytree(os.path.join(t.ROOT, "ssm-documents"), os.path.join(scratch, "ssm-documents"),
                            ignore=shutil.ignore_patterns("node_modules"))
            code, _, stderr, _ = run_generator("--bucket", BUCKET, "--template", os.path.join(scratch, "template.yaml"))
        self.assertEqual(code, 2)
        self.assertIn("is not built", stderr)
        self.assertIn("scripts/package", stderr)

    def test_an_include_outside_the_repository_is_refused(self):
        with self.assertRaises(member_template.GenerationError) as caught:
            member_template.inline_includes(
                {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "../../etc/passwd"}}}, t.ROOT)
        self.assertIn("outside the repository", str(caught.exception))


class ArtifactBucketTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.path = os.path.join(ORGANIZATION, "artifact-bucket.yaml")
        cls.template = t.parse(cls.path)

    def test_it_passes_cfn_lint(self):
        with open(self.path, encoding="utf-8") as handle:
            self.assertEqual(cfn_lint(handle.read()), [])

    def test_only_the_organization_may_read_and_only_objects(self):
        (policy,) = t.resources_of(self.template, "AWS::S3::BucketPolicy").values()
        statements = all_statements(policy["Properties"]["PolicyDocument"])
        allows = [s for s in statements if s["Effect"] == "Allow"]
        self.assertEqual(len(allows), 1)
        (allow,) = allows
        self.assertEqual(allow["Action"], "s3:GetObject")
        self.assertEqual(allow["Condition"], {"StringEquals": {"aws:PrincipalOrgID": {"Ref": "OrganizationId"}}})
        self.assertEqual(allow["Resource"], {"Fn::Sub": "${ArtifactBucket.Arn}/*"})
        for statement in statements:
            if statement["Effect"] == "Deny":
                # A Deny only narrows (here: no request without TLS); a "*" action there grants nothing.
                self.assertEqual(statement["Condition"], {"Bool": {"aws:SecureTransport": "false"}})

    def test_the_bucket_is_private_encrypted_and_survives_its_stack(self):
        bucket = self.template["Resources"]["ArtifactBucket"]
        props = bucket["Properties"]
        self.assertEqual(set(props["PublicAccessBlockConfiguration"].values()), {True})
        self.assertEqual(len(props["PublicAccessBlockConfiguration"]), 4)
        rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        self.assertEqual(rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256")
        self.assertEqual(bucket["DeletionPolicy"], "Retain")
        self.assertEqual(bucket["UpdateReplacePolicy"], "Retain")

    def test_every_parameter_is_used(self):
        single.check_every_parameter_used(self, self.template)


class AggregatorTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.path = os.path.join(ORGANIZATION, "aggregator.yaml")
        cls.template = t.parse(cls.path)

    def test_it_passes_cfn_lint(self):
        with open(self.path, encoding="utf-8") as handle:
            self.assertEqual(cfn_lint(handle.read()), [])

    def test_the_role_only_reads_the_organization_and_only_config_of_this_account_assumes_it(self):
        statements = t.role_statements(self.template, "AggregatorRole")
        # The actions of the AWS managed policy AWSConfigRoleForOrganizations (AWS managed policy reference).
        self.assertEqual(t.actions_of(statements), {
            "organizations:ListAccounts", "organizations:DescribeOrganization",
            "organizations:ListAWSServiceAccessForOrganization", "organizations:ListDelegatedAdministrators"})
        single.check_no_wildcard_actions(self, self.template)
        single.check_star_resources(self, self.template)
        (trust,) = self.template["Resources"]["AggregatorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(trust["Principal"], {"Service": "config.amazonaws.com"})
        self.assertEqual(trust["Condition"], {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}})

    def test_it_aggregates_the_organization_in_the_rules_region(self):
        (aggregator,) = t.resources_of(self.template, "AWS::Config::ConfigurationAggregator").values()
        source = aggregator["Properties"]["OrganizationAggregationSource"]
        self.assertEqual(source["RoleArn"], {"Fn::GetAtt": ["AggregatorRole", "Arn"]})
        self.assertEqual(source["AwsRegions"], [{"Ref": "AWS::Region"}])
        self.assertFalse(source["AllAwsRegions"])

    def test_the_prefix_follows_the_member_stacks_rule(self):
        pattern = self.template["Parameters"]["ResourcePrefix"]["AllowedPattern"]
        self.assertEqual(pattern, "^[A-Za-z][A-Za-z0-9-]{0,31}$")

    def test_every_parameter_is_used(self):
        single.check_every_parameter_used(self, self.template)


if __name__ == "__main__":
    unittest.main()
