"""The constraint catalogue of deploy/README.md (section "Constraint catalogue"), one test per row.

Each test encodes an AWS limit or rule the templates, the conformance pack, the runbooks or the
parameters must respect, from the copies of AWS's own definitions installed here: botocore's API
models (the API references' limits), cfn-lint's CloudFormation resource schemas, and the SAM
translator itself. Sources are cited next to each test and in the catalogue.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import regex
import yaml

import cfn_eval as cfn
import templates as t

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(t.ROOT, "deploy", "README.md")
SAMCONFIG = os.path.join(t.ROOT, "samconfig.toml")
PACK_WRITER = os.path.join(t.ROOT, "deploy", "write-conformance-pack")
RUNBOOKS = {
    "RemediationRunbook": os.path.join(t.ROOT, "ssm-documents", "disable-unused-access-keys.yaml"),
    "BackoutRunbook": os.path.join(t.ROOT, "ssm-documents", "restore-access-keys.yaml"),
}
# Document name prefixes SSM reserves (CreateDocument, Name: "You can't use the following strings as
# document name prefixes"): https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html
RESERVED_DOCUMENT_PREFIXES = ("aws", "amazon", "amzn", "AWSEC2", "AWSConfigRemediation", "AWSSupport")
# The fixed names of the team's convention (the organization rollout relies on exactly these).
FIXED_NAMES = {
    "RemediationRunbook": ("AWS::SSM::Document", "Name", "{p}-DisableUnusedAccessKeys"),
    "BackoutRunbook": ("AWS::SSM::Document", "Name", "{p}-RestoreAccessKeys"),
    "EvaluatorFunction": ("AWS::Lambda::Function", "FunctionName", "{p}-evaluator"),
    "RemediationFunction": ("AWS::Lambda::Function", "FunctionName", "{p}-remediation"),
    "AutomationRole": ("AWS::IAM::Role", "RoleName", "{p}-automation"),
    "EvaluatorRole": ("AWS::IAM::Role", "RoleName", "{p}-evaluator"),
    "RemediationRole": ("AWS::IAM::Role", "RoleName", "{p}-remediation"),
    "EvaluatorLogGroup": ("AWS::Logs::LogGroup", "LogGroupName", "/aws/lambda/{p}-evaluator"),
    # Kept when the stack is deleted: the stack id's UUID ends its name, so a re-created stack makes its own.
    "RemediationLogGroup": ("AWS::Logs::LogGroup", "LogGroupName", "/aws/lambda/{p}-remediation/{stack}"),
}
# A value CloudFormation accepts for each template parameter, other than its default: the settings
# check deploys the template once with each. A new parameter needs an entry here.
OTHER_VALUES = {
    "ConfigRuleName": "other-rule-name",
    "ExemptUsers": "break-glass,ci-deployer",
    "ExemptionTagKey": "stale-keys-exempt",
    "MaxNeverUsedKeyAgeDays": "30",
    "OwnerTagKey": "Owner",
    "NotificationEmail": "security@example.com",
    "NotificationTopicArn": "arn:aws:sns:us-east-1:123456789012:key-notices",
    "ExecutionRoleName": "UnusedAccessKeysRuleEvaluation",
    "OrganizationId": "o-abcdefghij",
    "ResourcePrefix": "OtherKeys",
    "ExistingAuditRecordKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "AuditorRoleArns": "arn:aws:iam::123456789012:role/SealAuditor",
}
ACCOUNT = "123456789012"
STACK_UUID = cfn.PSEUDO_PARAMETERS["AWS::StackId"].rsplit("/", 1)[1]
EVALUATOR_ALIAS_ARN = "arn:aws:lambda:us-east-1:%s:function:StaleKeys-evaluator:live" % ACCOUNT


def samples_of_length(name, n):
    """A value of n characters in the syntax of a parameter that carries a name or list of names."""
    if name == "ExistingAuditRecordKeyArn":
        # A key ARN of n characters: the partition takes the slack.
        rest = ":kms:ap-southeast-7:123456789012:key/mrk-" + "0" * 32
        return "arn:aws-" + "x" * max(1, n - len("arn:aws-") - len(rest)) + rest
    if name == "ExemptUsers":
        # Names of 20 characters, comma-separated: the realistic worst case of the issue.
        unit = "u" * 19 + ","
        return (unit * (n // len(unit) + 1))[:n].rstrip(",").ljust(n, "x")
    return "k" * n


def longest_accepted(spec, name, limit=5000):
    """The longest value of this parameter's syntax that CloudFormation accepts (limit if unbounded)."""
    longest = 0
    for n in range(1, limit + 1):
        if cfn.parameter_problem(name, spec, samples_of_length(name, n)) is None:
            longest = n
    return longest


def write_pack(*args):
    return subprocess.run([sys.executable, PACK_WRITER, *args], capture_output=True, text=True, timeout=120)


def written_pack(*args):
    result = write_pack(*args)
    if result.returncode != 0:
        raise AssertionError("write-conformance-pack %s failed: %s" % (" ".join(args), result.stderr))
    return t.parse_text(result.stdout), result.stdout


def readme():
    with open(README, encoding="utf-8") as handle:
        return handle.read()


class SettingsReachTheAliasTest(unittest.TestCase):
    """SAM names the published version by hashing the code location and some function properties as
    written: a property given as !Ref hashes the same whatever the parameter's value
    (aws/serverless-application-model#1640, #3820), so a settings change updates $LATEST and the alias
    keeps the old version. A changed create-only property of AWS::Lambda::Version (its Description,
    resource provider schema) makes CloudFormation publish a new version, which the alias then gets."""

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)
        cls.functions = sorted(t.resources_of(cls.source, "AWS::Serverless::Function"))
        cls.base_values = cfn.defaults(cls.source)
        cls.base = cfn.translate(cls.base_values)

    def other_value(self, name, spec):
        if name in OTHER_VALUES:
            return OTHER_VALUES[name]
        if "AllowedValues" in spec:
            return next(v for v in spec["AllowedValues"] if str(v) != str(spec.get("Default")))
        if "MinValue" in spec:
            return spec["MinValue"] if str(spec["MinValue"]) != str(spec.get("Default")) else spec["MaxValue"]
        self.fail("parameter %s: add a value other than its default to OTHER_VALUES" % name)

    def test_every_setting_that_changes_a_function_publishes_a_new_version(self):
        changed_a_function = set()
        for name, spec in self.source["Parameters"].items():
            values = dict(self.base_values, **{name: self.other_value(name, spec)})
            if name == "ExecutionRoleName":
                values["OrganizationId"] = OTHER_VALUES["OrganizationId"]  # the template's Rule needs both
            for other in values:
                self.assertTrue(cfn.accepts(self.source, other, values[other]), (other, values[other]))
            after = cfn.translate(values)
            for function in self.functions:
                before_props = cfn.resolved_properties(self.base, function, self.base_values)
                after_props = cfn.resolved_properties(after, function, values)
                if before_props == after_props:
                    continue
                changed_a_function.add(name)
                with self.subTest(parameter=name, function=function):
                    self.assertTrue(cfn.publishes_new_version(self.base, self.base_values, after, values, function),
                                    "%s=%s changes %s but publishes no new version: the alias keeps the old "
                                    "settings" % (name, values[name], function))
        # The check means something only if the sizes, and the rule name the remediation reads its
        # settings from, do change the functions.
        self.assertLessEqual({"EvaluatorMemorySize", "EvaluatorTimeout", "RemediationMemorySize",
                              "RemediationTimeout", "ConfigRuleName", "ExistingAuditRecordKeyArn"}, changed_a_function)

    def test_a_code_change_alone_publishes_a_new_version(self):
        for function in self.functions:
            with self.subTest(function=function):
                key = self.source["Resources"][function]["Properties"]["CodeUri"] + ".new-content"
                after = cfn.translate(self.base_values, code_keys={function: key})
                self.assertTrue(cfn.publishes_new_version(self.base, self.base_values, after, self.base_values, function))

    def test_an_unchanged_deployment_publishes_nothing(self):
        again = cfn.translate(self.base_values)
        for function in self.functions:
            with self.subTest(function=function):
                self.assertFalse(cfn.publishes_new_version(self.base, self.base_values, again, self.base_values, function))

    def test_old_versions_are_retained_so_a_replaced_version_never_deletes_what_the_alias_used(self):
        for function in self.functions:
            _, version = cfn.version_of(self.base, function)
            self.assertEqual(version.get("DeletionPolicy"), "Retain", function)

    def test_version_description_fits_the_lambda_limit(self):
        # PublishVersion Description: 0..256 characters (Lambda API reference, botocore model).
        limit = cfn.api_limits("lambda", "Description")["max"]
        values = dict(self.base_values)
        written = t.referenced_names([res["Properties"].get("VersionDescription")
                                      for res in self.source["Resources"].values()])
        for name, spec in self.source["Parameters"].items():
            if spec.get("Type") == "Number" and "MaxValue" in spec:
                values[name] = spec["MaxValue"]
            elif name in written and spec.get("Type") == "String" and "AllowedValues" not in spec:
                # The longest value CloudFormation accepts (the rule name: 64 characters).
                longest = longest_accepted(spec, name, limit=limit + 1)
                self.assertLessEqual(longest, limit, "%s: bound its length, it is written into a version" % name)
                values[name] = samples_of_length(name, longest)
        translated = cfn.translate(values)
        for function in self.functions:
            _, version = cfn.version_of(translated, function)
            description = cfn.resolve(version["Properties"].get("Description", ""), translated, values)
            self.assertLessEqual(len(description), limit, function)


class ExemptionListLimitsTest(unittest.TestCase):
    """PutRemediationConfigurations: each StaticValue value 1..256 characters; PutConfigRule:
    InputParameters 1..1024 characters; SSM Automation: a parameter value at most 512 characters
    (botocore models of config and ssm, as in the API references)."""

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)
        cls.static_limit = cfn.api_limits("config", "StringWithCharLimit256")["max"]
        cls.input_limit = cfn.member_limits("config", "ConfigRule", "InputParameters")["max"]
        cls.automation_limit = cfn.api_limits("ssm", "AutomationParameterValue")["max"]

    def longest_values(self, template):
        values = dict(cfn.defaults(template), EvaluatorFunctionArn=EVALUATOR_ALIAS_ARN)
        for name, spec in template["Parameters"].items():
            if spec.get("Type") == "Number" or "AllowedValues" in spec:
                if "MaxValue" in spec:
                    values[name] = spec["MaxValue"]
                continue
            if name in ("ExemptUsers", "ExemptionTagKey", "ExecutionRoleName", "ConfigRuleName"):
                values[name] = samples_of_length(name, longest_accepted(spec, name))
        return values

    def check_static_values_and_input_parameters(self, template, translated):
        values = self.longest_values(template)
        for name, res in t.resources_of(translated, "AWS::Config::RemediationConfiguration").items():
            for parameter, value in cfn.resolved_properties(translated, name, values)["Parameters"].items():
                for item in value.get("StaticValue", {}).get("Values", []):
                    with self.subTest(remediation_parameter=parameter):
                        self.assertLessEqual(len(str(item)), self.static_limit,
                                             "the longest %s the parameters accept breaks the remediation" % parameter)
        for name in t.resources_of(translated, "AWS::Config::ConfigRule"):
            params = cfn.resolved_properties(translated, name, values)["InputParameters"]
            self.assertLessEqual(len(json.dumps(params)), self.input_limit, "InputParameters JSON")

    def test_template(self):
        self.check_static_values_and_input_parameters(self.source, cfn.translate())

    def test_written_conformance_pack(self):
        pack, _ = written_pack("--account-id", ACCOUNT)
        self.check_static_values_and_input_parameters(pack, pack)

    def test_the_pattern_itself_bounds_the_exemption_list(self):
        # MaxLength alone in a pack's parameter cannot be checked offline: the pattern must bound the list by
        # itself (CloudFormation patterns are Java regular expressions, look-ahead included:
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-regexes.html).
        pack = t.parse(t.CONFORMANCE_PACK)
        for where, spec in (("template.yaml", self.source["Parameters"]["ExemptUsers"]),
                            ("conformance-pack.yaml", pack["Parameters"]["ExemptUsers"])):
            pattern_only = {"Type": "String", "AllowedPattern": spec["AllowedPattern"]}
            with self.subTest(where=where):
                self.assertEqual(longest_accepted(pattern_only, "ExemptUsers", limit=600), self.static_limit)
                for bad in (",a", "a,", "a,,b", "has space", "x" * 129):
                    self.assertIsNotNone(cfn.parameter_problem("ExemptUsers", pattern_only, bad), bad)

    def test_runbook_exemption_parameters_refuse_what_ssm_refuses(self):
        parameters = t.runbook(RUNBOOKS["RemediationRunbook"])["parameters"]
        for parameter in ("ExemptUsers", "ExemptionTagKey"):
            spec = parameters[parameter]
            with self.subTest(parameter=parameter):
                longest = max(n for n in range(0, 2000) if regex.fullmatch(spec["allowedPattern"],
                                                                            samples_of_length(parameter, n))
                              and n <= spec.get("maxChars", 10 ** 9))
                self.assertLessEqual(longest, self.automation_limit)

    def test_descriptions_point_large_lists_to_the_exemption_tag(self):
        pack = t.parse(t.CONFORMANCE_PACK)
        for where, spec in (("template.yaml", self.source["Parameters"]["ExemptUsers"]),
                            ("conformance-pack.yaml", pack["Parameters"]["ExemptUsers"])):
            with self.subTest(where=where):
                self.assertEqual(spec.get("MaxLength"), self.static_limit)
                self.assertIn("ExemptionTagKey", spec["Description"])
                self.assertIn(str(self.static_limit), spec["Description"])
        runbook = t.runbook(RUNBOOKS["RemediationRunbook"])["parameters"]["ExemptUsers"]
        self.assertIn("ExemptionTagKey", runbook["description"])


class ConformancePackWriterTest(unittest.TestCase):
    """Conformance pack prerequisites (AWS Config developer guide): no intrinsic function for the
    automation execution role nor for ConfigRuleName; the exact role ARN as a string; for an
    organization pack, the management account's id, which Config replaces with each member account's.
    https://docs.aws.amazon.com/config/latest/developerguide/cpack-prerequisites.html"""

    def remediation(self, pack):
        (remediation,) = t.resources_of(pack, "AWS::Config::RemediationConfiguration").values()
        return remediation

    def test_source_pack_has_no_intrinsic_function_where_config_refuses_one(self):
        pack = t.parse(t.CONFORMANCE_PACK)
        for remediation in t.resources_of(pack, "AWS::Config::RemediationConfiguration").values():
            role = remediation["Properties"]["Parameters"]["AutomationAssumeRole"]["StaticValue"]["Values"]
            self.assertTrue(all(isinstance(v, str) for v in role), "AutomationAssumeRole must be a literal ARN")
            self.assertIsInstance(remediation["Properties"]["ConfigRuleName"], str)

    def test_writes_literal_role_arn_rule_name_runbook_and_function_for_an_account(self):
        pack, text = written_pack("--account-id", ACCOUNT, "--resource-prefix", "Keys1",
                                  "--config-rule-name", "my-rule")
        props = self.remediation(pack)["Properties"]
        self.assertEqual(props["Parameters"]["AutomationAssumeRole"],
                         {"StaticValue": {"Values": ["arn:aws:iam::%s:role/Keys1-automation" % ACCOUNT]}})
        self.assertEqual(props["ConfigRuleName"], "my-rule")
        self.assertEqual(props["TargetId"], "Keys1-DisableUnusedAccessKeys")
        self.assertEqual(props["Parameters"]["RemediationFunction"], {"StaticValue": {"Values": ["Keys1-remediation:live"]}})
        (rule,) = t.resources_of(pack, "AWS::Config::ConfigRule").values()
        self.assertEqual(rule["Properties"]["ConfigRuleName"], "my-rule")
        self.assertNotIn("Fn::Sub", text)
        self.assertLessEqual(len(text.encode()), cfn.api_limits("config", "TemplateBody")["max"])
        self.assertLessEqual(len(pack["Parameters"]), cfn.api_limits("config", "ConformancePackInputParameters")["max"])
        check_remediation_passes_the_runbook_parameters(self, pack)

    def test_organization_pack_names_the_management_account(self):
        pack, _ = written_pack("--management-account-id", "210987654321", "--partition", "aws-us-gov")
        role = self.remediation(pack)["Properties"]["Parameters"]["AutomationAssumeRole"]["StaticValue"]["Values"]
        self.assertEqual(role, ["arn:aws-us-gov:iam::210987654321:role/StaleKeys-automation"])

    def test_written_names_are_the_stacks_names(self):
        source = t.parse(t.SAM_TEMPLATE)
        translated = cfn.translate({"ResourcePrefix": "Team-7"})
        values = dict(cfn.defaults(source), ResourcePrefix="Team-7")
        pack, _ = written_pack("--account-id", cfn.PSEUDO_PARAMETERS["AWS::AccountId"], "--resource-prefix", "Team-7")
        props = self.remediation(pack)["Properties"]
        runbook = cfn.resolved_properties(translated, "RemediationRunbook", values)["Name"]
        role = cfn.resolved_properties(translated, "AutomationRole", values)["RoleName"]
        function = cfn.resolved_properties(translated, "RemediationFunction", values)["FunctionName"]
        self.assertEqual(props["TargetId"], runbook)
        self.assertEqual(props["Parameters"]["AutomationAssumeRole"]["StaticValue"]["Values"],
                         ["arn:aws:iam::%s:role/%s" % (cfn.PSEUDO_PARAMETERS["AWS::AccountId"], role)])
        self.assertEqual(props["Parameters"]["RemediationFunction"]["StaticValue"]["Values"], [function + ":live"])

    def test_refuses_bad_options_naming_them(self):
        cases = {
            ("--account-id", "12345"): "--account-id",
            ("--management-account-id", "abc"): "--management-account-id",
            ("--account-id", ACCOUNT, "--resource-prefix", "AWSKeys"): "--resource-prefix",
            ("--account-id", ACCOUNT, "--resource-prefix", "x" * 33): "--resource-prefix",
            ("--account-id", ACCOUNT, "--config-rule-name", "bad name"): "--config-rule-name",
            ("--account-id", ACCOUNT, "--partition", "azure"): "--partition",
            ("--account-id", ACCOUNT, "--management-account-id", ACCOUNT): "--management-account-id",
            (): "--account-id",
        }
        for args, named in cases.items():
            with self.subTest(args=args):
                result = write_pack(*args)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(named, result.stderr)
                self.assertEqual(result.stdout, "", "nothing half-written")

    def test_written_pack_passes_cfn_lint(self):
        from cfnlint.api import ManualArgs, lint

        _, text = written_pack("--account-id", ACCOUNT)
        self.assertEqual([str(m) for m in lint(text, config=ManualArgs(regions=["us-east-1"]))], [])


class SingleAccountPackTest(unittest.TestCase):
    """A conformance pack in the stack's account, inside or outside AWS Organizations. Config's service-linked
    role creates a pack's rules under config-rule/aws-service-rule/config-conforms.amazonaws.com... (the
    resource of ConfigConformsServiceRolePolicy,
    https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ConfigConformsServiceRolePolicy.html):
    the evaluator's own role reads their results, so the pack needs no ExecutionRoleName (which the template
    refuses without an organization, and with which the rule reads no backout grace).
    PutRemediationConfigurations "does not support adding remediation configurations for ... the rules
    deployed by conformance packs"
    (https://docs.aws.amazon.com/config/latest/APIReference/API_PutRemediationConfigurations.html), while
    PutConformancePack "can create AWS Config rules and remediation actions" of its template
    (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConformancePack.html): a pack's
    remediation lives in its template."""

    def section_4(self):
        text = readme()
        return text[text.index("## 4. Using the result"):text.index("## 5. ")]

    def test_the_single_account_pack_commands_need_no_execution_role(self):
        section = self.section_4()
        commands = re.findall(r"aws configservice put-conformance-pack .*?(?=\n(?!\s)|\n\s*aws )", section, re.S)
        self.assertTrue(commands, "section 4 shows the single-account put-conformance-pack command")
        for command in commands:
            self.assertNotIn("ExecutionRoleName", command)
        pack = t.parse(t.CONFORMANCE_PACK)
        self.assertEqual(pack["Parameters"]["ExecutionRoleName"]["Default"], "")
        source = t.parse(t.SAM_TEMPLATE)
        # The stack it relies on deploys without an organization.
        self.assertEqual(source["Parameters"]["ExecutionRoleName"]["Default"], "")
        self.assertEqual(source["Parameters"]["OrganizationId"]["Default"], "")

    def test_the_written_pack_carries_its_remediation_in_its_template(self):
        pack, _ = written_pack("--account-id", ACCOUNT)
        (rule_id, rule), = t.resources_of(pack, "AWS::Config::ConfigRule").items()
        (remediation,) = t.resources_of(pack, "AWS::Config::RemediationConfiguration").values()
        self.assertEqual(remediation["Properties"]["ConfigRuleName"], rule["Properties"]["ConfigRuleName"])
        self.assertIn(rule_id, t.as_list(remediation.get("DependsOn", [])))

    def test_readme_reconciles_the_two_statements(self):
        section = self.section_4()
        self.assertIn("does not support\nadding remediation configurations for service-linked", section)
        self.assertTrue(re.search(r"(?s)PutConformancePack.{0,80}can create AWS Config rules and remediation actions",
                                  section))
        self.assertIn("config-conforms.amazonaws.com", section)


class PackParameterRangesTest(unittest.TestCase):
    """A pack parameter accepts exactly what the API and the product accept: MaxAccessKeyAgeDays
    1..3650 (the evaluator and the runbook refuse more), PutRemediationConfigurations
    MaximumAutomaticAttempts 1..25, RetryAttemptSeconds 1..2,678,000, SsmControls percentages 1..100
    (botocore model of config). The template's ranges are checked against the same API limits."""

    API_RANGES = {
        "MaximumAutomaticAttempts": ("config", "AutoRemediationAttempts"),
        "RetryAttemptSeconds": ("config", "AutoRemediationAttemptSeconds"),
        "RemediationConcurrencyPercentage": ("config", "Percentage"),
        "RemediationErrorPercentage": ("config", "Percentage"),
    }

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)
        cls.pack, _ = written_pack("--account-id", ACCOUNT)

    def probes(self, low, high):
        if high <= 20000:
            return range(low - 2, high * 3)
        points = {low - 1, low, low + 1, high - 1, high, high + 1, high * 10, 9999, 99999, 9999999}
        for power in range(1, 9):
            points.update({10 ** power - 1, 10 ** power, 10 ** power + 1})
        points.update(range(high - 1000, high + 1000))
        return sorted(points)

    def test_template_ranges_are_within_the_api_limits(self):
        for name, (service, shape) in self.API_RANGES.items():
            limits = cfn.api_limits(service, shape)
            spec = self.source["Parameters"][name]
            with self.subTest(parameter=name):
                self.assertGreaterEqual(int(spec["MinValue"]), limits["min"])
                self.assertLessEqual(int(spec["MaxValue"]), limits["max"])

    def test_pack_parameters_accept_exactly_the_template_ranges(self):
        for name in ("MaxAccessKeyAgeDays", *self.API_RANGES):
            spec = self.source["Parameters"][name]
            low, high = int(spec["MinValue"]), int(spec["MaxValue"])
            for number in self.probes(low, high):
                accepted = cfn.accepts(self.pack, name, str(number))
                if accepted != (low <= number <= high):
                    self.fail("pack parameter %s %s %d (allowed %d..%d)"
                              % (name, "accepts" if accepted else "refuses", number, low, high))

    def test_source_pack_days_range_is_the_evaluators(self):
        pack = t.parse(t.CONFORMANCE_PACK)
        for number in range(-1, 12000):
            self.assertEqual(cfn.accepts(pack, "MaxAccessKeyAgeDays", str(number)), 1 <= number <= 3650, number)

    def test_evaluator_limit_is_the_runbooks(self):
        with open(RUNBOOKS["RemediationRunbook"], encoding="utf-8") as handle:
            self.assertIn("MAX_DAYS = %s" % self.source["Parameters"]["MaxAccessKeyAgeDays"]["MaxValue"], handle.read())


class FixedNamesTest(unittest.TestCase):
    """Runbooks, functions, roles and log groups have fixed names derived from ResourcePrefix, so one
    set of conformance pack values matches every account. Named IAM resources need
    CAPABILITY_NAMED_IAM (CloudFormation CreateStack, Capabilities)."""

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)
        cls.translated = cfn.translate()

    def test_names_follow_the_convention(self):
        for prefix in ("StaleKeys", "Team-7"):
            values = dict(cfn.defaults(self.source), ResourcePrefix=prefix)
            translated = cfn.translate(values)
            for logical_id, (resource_type, prop, pattern) in FIXED_NAMES.items():
                with self.subTest(prefix=prefix, resource=logical_id):
                    res = translated["Resources"][logical_id]
                    self.assertEqual(res["Type"], resource_type)
                    self.assertEqual(cfn.resolved_properties(translated, logical_id, values).get(prop),
                                     pattern.format(p=prefix, stack=STACK_UUID))

    def test_aliases_are_named_live(self):
        for alias in t.resources_of(self.translated, "AWS::Lambda::Alias").values():
            self.assertEqual(alias["Properties"]["Name"], "live")

    def test_resource_prefix_parameter(self):
        spec = self.source["Parameters"]["ResourcePrefix"]
        self.assertEqual(spec["Default"], "StaleKeys")
        self.assertEqual((spec["MinLength"], spec["MaxLength"]), (1, 32))
        self.assertIn("ConstraintDescription", spec)

    def test_derived_names_meet_each_services_limits_for_every_accepted_prefix(self):
        # CreateDocument Name pattern (ssm), CreateFunction FunctionName 64 (lambda), CreateRole RoleName 64
        # (iam), CreateLogGroup logGroupName 512 (logs): botocore models.
        document = cfn.api_limits("ssm", "DocumentName")["pattern"]
        role = cfn.api_limits("iam", "roleNameType")
        log_group = cfn.api_limits("logs", "LogGroupName")
        for prefix in ("A", "Z" * 32, "a-b", "k" * 31 + "-"):
            self.assertTrue(cfn.accepts(self.source, "ResourcePrefix", prefix), prefix)
            values = dict(cfn.defaults(self.source), ResourcePrefix=prefix)
            translated = cfn.translate(values)
            for logical_id, (resource_type, prop, _) in FIXED_NAMES.items():
                name = cfn.resolved_properties(translated, logical_id, values)[prop]
                with self.subTest(prefix=prefix, name=name):
                    if resource_type == "AWS::SSM::Document":
                        self.assertIsNotNone(regex.fullmatch(document, name))
                    elif resource_type == "AWS::Lambda::Function":
                        self.assertLessEqual(len(name), 64)
                        self.assertIsNotNone(regex.fullmatch(r"[a-zA-Z0-9-_]+", name))
                    elif resource_type == "AWS::IAM::Role":
                        self.assertLessEqual(len(name), role["max"])
                        self.assertIsNotNone(regex.fullmatch(role["pattern"], name))
                    else:
                        self.assertLessEqual(len(name), log_group["max"])
                        self.assertIsNotNone(regex.fullmatch(log_group["pattern"], name))

    def test_single_account_deploy_acknowledges_named_iam(self):
        with open(SAMCONFIG, encoding="utf-8") as handle:
            capabilities = re.search(r'^capabilities\s*=\s*"([^"]*)"', handle.read(), re.M).group(1).split()
        self.assertIn("CAPABILITY_NAMED_IAM", capabilities)
        self.assertIn("CAPABILITY_AUTO_EXPAND", capabilities)  # AWS::Include
        for command in re.findall(r"aws cloudformation deploy[^`]*?--capabilities ([A-Z_ ]+)", readme()):
            self.assertIn("CAPABILITY_NAMED_IAM", command.split())

    def test_outputs_give_the_names_a_pack_needs(self):
        outputs = self.translated["Outputs"]
        self.assertEqual(outputs["ResourcePrefix"]["Value"], {"Ref": "ResourcePrefix"})
        for output in ("RemediationRunbookName", "BackoutRunbookName", "AutomationRoleName", "AutomationRoleArn",
                       "EvaluatorAliasArn", "RemediationAliasArn"):
            self.assertIn(output, outputs)


class ReservedDocumentPrefixTest(unittest.TestCase):
    """SSM refuses document names starting with aws, amazon, amzn, AWSEC2, AWSConfigRemediation,
    AWSSupport (CreateDocument, Name). Names derived from ResourcePrefix: the prefix is refused at deploy
    time, naming the parameter, whatever the case."""

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)
        cls.translated = cfn.translate()

    @staticmethod
    def reserved(name):
        return any(name.lower().startswith(p.lower()) for p in RESERVED_DOCUMENT_PREFIXES)

    def test_every_document_is_named_from_the_prefix(self):
        documents = t.resources_of(self.translated, "AWS::SSM::Document")
        self.assertEqual(set(documents), set(RUNBOOKS))
        for name, res in documents.items():
            with self.subTest(document=name):
                self.assertIn("Name", res["Properties"], "a generated name starts with the stack name, unchecked")
                self.assertIn("ResourcePrefix", t.referenced_names(res["Properties"]["Name"]))

    def test_reserved_prefixes_are_refused_in_any_case(self):
        spec = self.source["Parameters"]["ResourcePrefix"]
        for reserved in RESERVED_DOCUMENT_PREFIXES:
            for variant in {reserved, reserved.lower(), reserved.upper(), reserved.swapcase(), reserved.capitalize()}:
                for suffix in ("", "Keys", "-x"):
                    with self.subTest(prefix=variant + suffix):
                        self.assertIsNotNone(cfn.parameter_problem("ResourcePrefix", spec, variant + suffix))

    def test_the_pattern_refuses_exactly_the_reserved_prefixes(self):
        # Every string of up to 4 characters over an alphabet that spells the reserved prefixes, and
        # every case variant of the longer stems (amazo, amazon, amzn, aws) followed by each character.
        alphabet = "aAwWsSmMzZoOnNbx-7"
        values, frontier = [], [""]
        for _ in range(4):
            frontier = [s + c for s in frontier for c in alphabet]
            values += frontier
        for stem in ("amazo", "amazon", "amzn", "aws"):
            variants = [""]
            for letter in stem:
                variants = [v + c for v in variants for c in (letter.lower(), letter.upper())]
            values += [v + c for v in variants for c in alphabet + "K"]
        for value in values:
            wellformed = regex.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", value) is not None
            expected = wellformed and not self.reserved(value)
            if cfn.accepts(self.source, "ResourcePrefix", value) != expected:
                self.fail("ResourcePrefix %r: expected %s" % (value, "accepted" if expected else "refused"))

    def test_derived_document_names_never_start_reserved(self):
        for prefix in ("Amaz", "Aws1", "Am", "Amzx", "AmazoX", "StaleKeys"):
            accepted = cfn.accepts(self.source, "ResourcePrefix", prefix)
            values = dict(cfn.defaults(self.source), ResourcePrefix=prefix)
            for name in RUNBOOKS:
                document = cfn.resolved_properties(cfn.translate(values), name, values)["Name"]
                with self.subTest(prefix=prefix, document=document):
                    self.assertFalse(accepted and self.reserved(document))


class AuditLogRetainedTest(unittest.TestCase):
    """The remediation's log group is an audit trail: DeletionPolicy and UpdateReplacePolicy Retain keep
    it when the stack is deleted or the group replaced (CloudFormation resource attributes)."""

    def test_remediation_log_group_is_retained(self):
        translated = cfn.translate()
        (function,) = [n for n, r in t.resources_of(translated, "AWS::Lambda::Function").items()
                       if n == "RemediationFunction"]
        group = translated["Resources"][translated["Resources"][function]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]]
        self.assertEqual(group.get("DeletionPolicy"), "Retain")
        self.assertEqual(group.get("UpdateReplacePolicy"), "Retain")

    def test_readme_says_so(self):
        self.assertTrue(re.search(r"(?s)remediation's log group.{0,200}(kept|retained)", readme()),
                        "deploy/README.md must say the remediation's log group is kept")


class AuditKeyRetainedTest(unittest.TestCase):
    """The key that seals the audit records outlives the stack (CloudFormation's DeletionPolicy and
    UpdateReplacePolicy Retain): a key scheduled for deletion makes every sealed record unverifiable, and the
    remediations it recorded can never be backed out, even after a reinstall."""

    def test_audit_record_key_is_retained(self):
        translated = cfn.translate()
        key = translated["Resources"]["AuditRecordKey"]
        self.assertEqual("AWS::KMS::Key", key["Type"])
        self.assertEqual(key.get("DeletionPolicy"), "Retain")
        self.assertEqual(key.get("UpdateReplacePolicy"), "Retain")

    def test_readme_says_so_and_what_it_costs(self):
        self.assertTrue(re.search(r"(?s)audit key.{0,300}(kept|retained).{0,400}(billed|pricing)", readme()),
                        "deploy/README.md must say the audit key is kept, and that it is billed while kept")


KEY_WRITER = os.path.join(t.ROOT, "deploy", "write-audit-key-policy")
KEPT_KEY = OTHER_VALUES["ExistingAuditRecordKeyArn"]


def resolved_live_resources(translated, values):
    """The resources CloudFormation would create for these values (conditions applied), resolved."""
    live = {}
    for name, res in translated["Resources"].items():
        if "Condition" in res and not cfn.evaluate_condition(translated, res["Condition"], values):
            continue
        live[name] = dict(res, Properties=cfn.resolved_properties(translated, name, values))
    return live


class AuditKeyAdoptionTest(unittest.TestCase):
    """A reinstall adopts the kept audit key (ExistingAuditRecordKeyArn). A key policy that names a role as
    principal stores the role's unique id: once the role is deleted the statement no longer applies, even to
    a role re-created under the same name (IAM User Guide, "Role trust policy" / "Principal" element,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html). So the key
    policy allows the account (which enables IAM policies, https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
    only for the named roles' ARNs (aws:PrincipalArn, which is the role's ARN for its sessions,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn),
    and the roles' IAM policies allow the MAC actions on the key."""

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)
        cls.defaults = cfn.defaults(cls.source)
        cls.translated = cfn.translate()

    def key_policy(self, values):
        return cfn.resolved_properties(self.translated, "AuditRecordKey", values)["KeyPolicy"]

    def test_the_key_policy_names_the_roles_by_arn_never_as_principals(self):
        for prefix in ("StaleKeys", "Team-7"):
            values = dict(self.defaults, ResourcePrefix=prefix)
            roles = {logical_id: "arn:aws:iam::%s:role/%s" % (ACCOUNT, cfn.resolved_properties(
                self.translated, logical_id, values)["RoleName"]) for logical_id in ("RemediationRole", "EvaluatorRole")}
            root = "arn:aws:iam::%s:root" % ACCOUNT
            granted = {}
            for statement in self.key_policy(values)["Statement"]:
                with self.subTest(prefix=prefix, sid=statement["Sid"]):
                    self.assertEqual(statement["Principal"], {"AWS": root}, "no role as principal")
                    mac = {a for a in t.as_list(statement["Action"]) if "Mac" in a}
                    if mac:
                        self.assertEqual(statement["Condition"]["StringEquals"], {"kms:MacAlgorithm": "HMAC_SHA_256"})
                        arns = t.as_list(statement["Condition"]["ArnEquals"]["aws:PrincipalArn"])
                        for arn in arns:
                            granted.setdefault(arn, set()).update(mac)
            self.assertEqual(granted, {roles["RemediationRole"]: {"kms:GenerateMac", "kms:VerifyMac"},
                                       roles["EvaluatorRole"]: {"kms:VerifyMac"}})

    def test_the_roles_iam_policies_allow_the_mac_actions_on_the_key_in_use(self):
        for key, expected in ((None, {"Fn::GetAtt": ["AuditRecordKey", "Arn"]}), (KEPT_KEY, KEPT_KEY)):
            values = dict(self.defaults, ExistingAuditRecordKeyArn=key or "")
            for role, actions in (("RemediationRole", {"kms:GenerateMac", "kms:VerifyMac"}),
                                  ("EvaluatorRole", {"kms:VerifyMac"})):
                statements = [s for s in t.role_statements(self.translated, role)
                              if "Action" in s and set(t.as_list(s["Action"])) & actions]
                with self.subTest(key=key, role=role):
                    self.assertEqual(len(statements), 1)
                    self.assertEqual(set(t.as_list(statements[0]["Action"])), actions)
                    resource = cfn.resolve(statements[0]["Resource"], self.translated, values)
                    self.assertEqual(resource, cfn.resolve(expected, self.translated, values))

    def test_an_existing_key_replaces_the_created_one_everywhere(self):
        created = resolved_live_resources(self.translated, self.defaults)
        self.assertIn("AuditRecordKey", created)
        values = dict(self.defaults, ExistingAuditRecordKeyArn=KEPT_KEY)
        adopted = resolved_live_resources(self.translated, values)
        self.assertNotIn("AuditRecordKey", adopted, "no second key when one is adopted")
        self.assertNotIn("<AuditRecordKey", json.dumps(adopted), "a reference to the key that is not created")
        for function in ("EvaluatorFunction", "RemediationFunction"):
            with self.subTest(function=function):
                self.assertEqual(adopted[function]["Properties"]["Environment"]["Variables"]["AUDIT_RECORD_KEY_ID"], KEPT_KEY)
                self.assertIn("<AuditRecordKey", created[function]["Properties"]["Environment"]["Variables"]["AUDIT_RECORD_KEY_ID"])
        outputs = cfn.resolve(self.translated["Outputs"], self.translated, values)
        self.assertEqual(outputs["AuditRecordKeyArn"]["Value"], KEPT_KEY)
        self.assertEqual(self.translated["Outputs"]["AuditRecordKeyArn"]["Value"],
                         {"Fn::If": ["CreateAuditRecordKey", {"Fn::GetAtt": ["AuditRecordKey", "Arn"]},
                                     {"Ref": "ExistingAuditRecordKeyArn"}]})

    def test_adopting_a_key_reaches_the_live_aliases(self):
        # The environment variable alone would not (SAM hashes it as written): the version descriptions carry it.
        values = dict(self.defaults, ExistingAuditRecordKeyArn=KEPT_KEY)
        after = cfn.translate(values)
        for function in ("EvaluatorFunction", "RemediationFunction"):
            with self.subTest(function=function):
                self.assertTrue(cfn.publishes_new_version(self.translated, self.defaults, after, values, function))
                _, version = cfn.version_of(after, function)
                self.assertIn(KEPT_KEY, cfn.resolve(version["Properties"]["Description"], after, values))

    def test_the_key_parameter_accepts_key_arns_only(self):
        for good in (KEPT_KEY, "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-" + "0" * 32, ""):
            self.assertTrue(cfn.accepts(self.source, "ExistingAuditRecordKeyArn", good), good)
        for bad in ("alias/StaleKeys", "arn:aws:kms:us-east-1:123456789012:alias/x", "1234abcd-12ab-34cd-56ef-1234567890ab",
                    KEPT_KEY + " ", "arn:aws:kms:us-east-1:12345678901:key/1234abcd-12ab-34cd-56ef-1234567890ab"):
            self.assertIsNotNone(cfn.parameter_problem("ExistingAuditRecordKeyArn",
                                                       self.source["Parameters"]["ExistingAuditRecordKeyArn"], bad), bad)

    def test_auditor_roles_may_verify_only(self):
        auditors = "arn:aws:iam::%s:role/SealAuditor,arn:aws:iam::%s:role/team/Compliance" % (ACCOUNT, ACCOUNT)
        self.assertTrue(cfn.accepts(self.source, "AuditorRoleArns", auditors))
        for bad in ("arn:aws:iam::%s:user/Alice" % ACCOUNT, "SealAuditor", auditors + ",", "arn:aws:iam::%s:role/a b" % ACCOUNT):
            self.assertFalse(cfn.accepts(self.source, "AuditorRoleArns", bad), bad)
        values = dict(self.defaults, AuditorRoleArns=auditors)
        statements = [s for s in self.key_policy(values)["Statement"] if s["Sid"] == "AuditorsVerify"]
        self.assertEqual(len(statements), 1)
        self.assertEqual(statements[0]["Action"], "kms:VerifyMac")
        self.assertEqual(statements[0]["Condition"]["ArnEquals"]["aws:PrincipalArn"], auditors.split(","))
        self.assertEqual([s for s in self.key_policy(self.defaults)["Statement"] if s["Sid"] == "AuditorsVerify"], [],
                         "no auditor unless named")
        rule = self.source["Rules"]["AuditorsNeedTheKeyPolicyOfTheStack"]
        self.assertEqual(rule["RuleCondition"], {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExistingAuditRecordKeyArn"}, ""]}]})
        self.assertEqual(rule["Assertions"][0]["Assert"], {"Fn::Equals": [{"Ref": "AuditorRoleArns"}, ""]})

    def test_the_policy_writer_prints_the_templates_policy(self):
        for args, values in (
                (["--account-id", ACCOUNT], {}),
                (["--account-id", ACCOUNT, "--resource-prefix", "Team-7", "--auditor-role-arns",
                  "arn:aws:iam::%s:role/SealAuditor" % ACCOUNT],
                 {"ResourcePrefix": "Team-7", "AuditorRoleArns": "arn:aws:iam::%s:role/SealAuditor" % ACCOUNT})):
            result = subprocess.run([sys.executable, KEY_WRITER, *args], capture_output=True, text=True, timeout=60)
            with self.subTest(args=args):
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(json.loads(result.stdout), self.key_policy(dict(self.defaults, **values)))
        result = subprocess.run([sys.executable, KEY_WRITER, "--account-id", ACCOUNT, "--partition", "aws-us-gov"],
                                capture_output=True, text=True, timeout=60)
        self.assertIn("arn:aws-us-gov:iam::%s:role/StaleKeys-remediation" % ACCOUNT, result.stdout)
        for args, named in ((["--account-id", "12"], "--account-id"),
                            (["--account-id", ACCOUNT, "--resource-prefix", "awsKeys"], "--resource-prefix"),
                            (["--account-id", ACCOUNT, "--auditor-role-arns", "Auditor"], "--auditor-role-arns"),
                            (["--account-id", ACCOUNT, "--partition", "gcp"], "--partition")):
            result = subprocess.run([sys.executable, KEY_WRITER, *args], capture_output=True, text=True, timeout=60)
            with self.subTest(args=args):
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(named, result.stderr)
                self.assertEqual(result.stdout, "")

    def test_readme_gives_the_one_time_policy_rewrite(self):
        text = readme()
        self.assertTrue("deploy/write-audit-key-policy --account-id" in text, "the policy writer's command")
        self.assertTrue(re.search(r"aws kms put-key-policy --key-id \S+ --policy-name default --policy file://", text),
                        "the put-key-policy command")
        self.assertTrue("ExistingAuditRecordKeyArn=" in text, "the reinstall command with the kept key")


class RetainedNamesTest(unittest.TestCase):
    """A kept resource with a fixed name would make the next creation of the stack fail: CreateLogGroup
    refuses a name that exists (ResourceAlreadyExistsException, botocore model of logs,
    https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html), and
    CloudFormation keeps a Retain resource out of the deleted stack
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html) but
    does not adopt it into a new one. So every retained resource's name carries the stack's id: a re-created
    stack, or a StackSet's new stack instance in an account that re-joins, gets names of its own."""

    NAME_PROPERTIES = ("LogGroupName", "Name", "FunctionName", "RoleName", "BucketName", "TopicName", "AliasName")
    OTHER_STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/unused-access-keys/0b9e7d20-a1c4-11f1-9d3e-06f0e1d2c3b4"

    def test_the_service_refuses_an_existing_name(self):
        errors = {shape.name for shape in cfn.service_model("logs").operation_model("CreateLogGroup").error_shapes}
        self.assertIn("ResourceAlreadyExistsException", errors)

    def test_a_recreated_stack_meets_no_kept_name(self):
        translated = cfn.translate()
        values = cfn.defaults(t.parse(t.SAM_TEMPLATE))
        retained_named = []
        for name, res in translated["Resources"].items():
            if res.get("DeletionPolicy") != "Retain":
                continue
            props = res.get("Properties", {})
            for prop in self.NAME_PROPERTIES:
                # A version's FunctionName names its function, not itself (it goes with the function).
                if prop not in props or set(t.referenced_names(props[prop])) & set(translated["Resources"]):
                    continue
                retained_named.append(name)
                first = cfn.resolve(props[prop], translated, values)
                again = cfn.resolve(props[prop], translated, values)
                recreated = cfn.resolve(props[prop], translated, dict(values, **{"AWS::StackId": self.OTHER_STACK}))
                with self.subTest(resource=name):
                    self.assertEqual(first, again, "stable across updates of one stack")
                    self.assertNotEqual(first, recreated, "%s %s would collide with the kept one" % (name, first))
        self.assertIn("RemediationLogGroup", retained_named, "the check must see the kept log group")

    def test_readme_says_where_the_kept_logs_are(self):
        text = readme()
        self.assertTrue("/aws/lambda/StaleKeys-remediation/" in text, "where the kept log groups are")
        self.assertFalse("Re-creating the stack with the same prefix\n  fails" in text, "no longer true")


COST_TABLE = os.path.join(t.ROOT, "deploy", "cost-table")


class CostTableTest(unittest.TestCase):
    """The README's cost table is what deploy/cost-table prints from BENCHMARKS.md's measurements (a figure in a
    document is printed by the program that measures it). Prices: each AWS pricing page, as the program cites."""

    def run_table(self, *args, env=None):
        return subprocess.run([sys.executable, COST_TABLE, *args], capture_output=True, text=True, timeout=60, env=env)

    def test_the_readme_table_is_the_programs_output(self):
        result = self.run_table()
        self.assertEqual(result.returncode, 0, result.stderr)
        text = readme()
        begin, end = "<!-- cost-table:begin -->\n", "<!-- cost-table:end -->"
        self.assertTrue(begin in text and end in text, "deploy/README.md must hold the cost table between its markers")
        pasted = text[text.index(begin) + len(begin):text.index(end)]
        self.assertEqual(pasted, result.stdout, "paste the output of deploy/cost-table into deploy/README.md")

    def test_every_item_the_stack_bills_has_a_row(self):
        table = self.run_table().stdout
        for item in ("Config rule evaluations", "KMS key (a month)", "KMS requests", "Lambda", "SSM Automation",
                     "EventBridge", "SNS", "CloudWatch Logs", "Security Hub"):
            self.assertTrue("| %s" % item in table, item)
        for users in ("100 users", "1,000 users", "5,000 users"):
            self.assertTrue(users in table, users)

    def test_the_figures_follow_the_benchmark(self):
        import importlib.machinery
        import importlib.util

        loader = importlib.machinery.SourceFileLoader("cost_table", COST_TABLE)
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader("cost_table", loader))
        loader.exec_module(module)
        with open(module.BENCHMARKS, encoding="utf-8") as handle:
            text = handle.read()
        measured = module.measured(text, 5000)
        self.assertGreater(measured["stale_users"], 0)
        self.assertGreater(measured["config_evaluations_steady_month"], 0)
        steps, figures = module.table()
        self.assertEqual(steps, len(t.runbook(RUNBOOKS["RemediationRunbook"])["mainSteps"]))
        self.assertAlmostEqual(figures[5000]["Config rule evaluations"],
                               measured["config_evaluations_steady_month"] * module.PRICES["config_evaluation"][0])
        doubled = dict(measured, stale_users=measured["stale_users"] * 2)
        self.assertAlmostEqual(module.costs(5000, doubled, steps, 0.5)["SSM Automation"],
                               2 * module.costs(5000, measured, steps, 0.5)["SSM Automation"])
        self.assertAlmostEqual(figures[5000]["Security Hub (with SecurityHubFindings=Enabled)"],
                               measured["stale_users"] * module.FINDING_IMPORTS_PER_STALE_KEY
                               * module.PRICES["security_hub_ingestion_event"][0])
        with self.assertRaises(module.BenchmarkMissing):
            module.measured(text.replace("## 5,000 users\n", "## five thousand\n"), 5000)

    def test_every_price_names_its_page(self):
        table = self.run_table().stdout
        for line in table.splitlines():
            if line.startswith("- `"):
                self.assertRegex(line, r"https://aws\.amazon\.com/[a-z-]+/pricing/", line)


class DeployTimeParameterErrorsTest(unittest.TestCase):
    """A bad value fails when CloudFormation validates the parameters (its error names the parameter and
    shows the ConstraintDescription), not deep inside a resource creation."""

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)

    def test_every_free_text_parameter_explains_its_constraint(self):
        written, _ = written_pack("--account-id", ACCOUNT)
        for where, template in (("template.yaml", self.source), ("written pack", written)):
            for name, spec in template["Parameters"].items():
                if "AllowedPattern" in spec or "MaxLength" in spec:
                    with self.subTest(where=where, parameter=name):
                        self.assertTrue(spec.get("ConstraintDescription"))

    def test_values_the_apis_refuse_are_refused_by_the_parameter(self):
        rule_name = cfn.api_limits("config", "ConfigRuleName")
        bad = {
            "ConfigRuleName": ["x" * (rule_name["max"] + 1), "", "has space"],
            "ExemptUsers": [samples_of_length("ExemptUsers", cfn.api_limits("config", "StringWithCharLimit256")["max"] + 1)],
            "ResourcePrefix": ["", "x" * 33, "awsKeys", "AmazonKeys", "AMZNx", "1abc", "a_b"],
            "RetryAttemptSeconds": [cfn.api_limits("config", "AutoRemediationAttemptSeconds")["max"] + 1, 0],
            "MaximumAutomaticAttempts": [cfn.api_limits("config", "AutoRemediationAttempts")["max"] + 1, 0],
            "MaxAccessKeyAgeDays": [3651, 0],
            "MaxNeverUsedKeyAgeDays": ["3651", "0", "9999"],
            "RefreshDays": [61, 0],
            "EvaluatorTimeout": [901],
            "RemediationTimeout": [301],
        }
        for name, values in bad.items():
            for value in values:
                with self.subTest(parameter=name, value=str(value)[:40]):
                    problem = cfn.parameter_problem(name, self.source["Parameters"][name], value)
                    self.assertIsNotNone(problem)
                    self.assertIn(name, problem)


class OrganizationPermissionLimitTest(unittest.TestCase):
    """Lambda: a function's resource-based policy holds at most 20 KB (Lambda quotas,
    https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). A central evaluator would need
    one add-permission statement per member account: the organization README gives the number of accounts
    that fit, as a reason the organization design is not a central evaluator."""

    POLICY_LIMIT = 20 * 1024

    def statement(self, account):
        # As Lambda stores an add-permission statement with --source-account, worst case: the longest
        # prefix and region name.
        return {"Sid": "config-%s" % account, "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
                "Resource": "arn:aws-us-gov:lambda:ap-southeast-7:%s:function:%s-evaluator:live" % (account, "K" * 32),
                "Condition": {"StringEquals": {"AWS:SourceAccount": account}}}

    def accounts_that_fit(self):
        n = 0
        while True:
            policy = {"Version": "2012-10-17", "Id": "default",
                      "Statement": [self.statement("%012d" % i) for i in range(n + 2)]}  # + the stack's own
            if len(json.dumps(policy, separators=(",", ":"))) > self.POLICY_LIMIT:
                return n
            n += 1

    @staticmethod
    def organization_readme():
        with open(os.path.join(t.ROOT, "deploy", "organization", "README.md"), encoding="utf-8") as handle:
            return handle.read()

    def test_readme_states_the_limit_and_a_number_that_fits(self):
        text = self.organization_readme()
        self.assertTrue("20 KB" in text, "the README must state the 20 KB function policy limit")
        stated = re.search(r"at most (\d+) member accounts", text)
        self.assertIsNotNone(stated, "the README must state how many accounts the function policy holds")
        self.assertLessEqual(int(stated.group(1)), self.accounts_that_fit())

    def test_readme_says_config_checks_the_permission_when_it_creates_the_rule(self):
        self.assertTrue(re.search(r"(?s)before .{0,120}rule.{0,80}created", self.organization_readme()),
                        "deploy/organization/README.md must say the permission comes before the rule is created")


class ReadmeStatementsTest(unittest.TestCase):
    """Two statements the review found wrong: Config can record IAM users in several regions (one is the
    recommendation against duplicates; regions launched after February 2022 cannot record IAM types;
    https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html), and
    aws/aws-sam-cli#9027 concerns only includes nested in AWS::LanguageExtensions functions."""

    def test_recording_region_statement(self):
        text = readme()
        self.assertFalse("Config records IAM users in **one** region" in text, "wrong: Config can record them in several")
        self.assertTrue("February 2022" in text, "regions launched after February 2022 cannot record IAM types")
        self.assertTrue(re.search(r"(?s)IAM.{0,200}one region.{0,120}duplicate", text),
                        "recording IAM in one region is the recommendation against duplicate evaluations")

    def test_include_regression_statement_is_qualified(self):
        text = readme()
        for mention in re.finditer(r"aws/aws-sam-cli#9027", text):
            context = text[max(0, mention.start() - 400):mention.end() + 200]
            self.assertTrue("AWS::LanguageExtensions" in context, "aws/aws-sam-cli#9027 must be qualified")


class ServiceLimitsTest(unittest.TestCase):
    """Other limits of the APIs the stack and the pack call (botocore models)."""

    def test_runbooks_fit_the_document_size_limit(self):
        # CreateDocument Content: at most 64 KB including runtime parameters.
        for name, path in RUNBOOKS.items():
            with self.subTest(runbook=name):
                self.assertLess(os.path.getsize(path), 64 * 1024 - 2048)

    def test_rule_description_and_name_fit(self):
        source = t.parse(t.SAM_TEMPLATE)
        translated = cfn.translate()
        description = cfn.member_limits("config", "ConfigRule", "Description")["max"]
        for name in t.resources_of(translated, "AWS::Config::ConfigRule"):
            props = translated["Resources"][name]["Properties"]
            self.assertLessEqual(len(props["Description"]), description)
        spec = source["Parameters"]["ConfigRuleName"]
        self.assertIsNone(cfn.parameter_problem("ConfigRuleName", spec, "r" * 64))
        self.assertLessEqual(64, cfn.api_limits("config", "ConfigRuleName")["max"])

    def test_lambda_sizes_within_the_api(self):
        source = t.parse(t.SAM_TEMPLATE)
        memory = cfn.api_limits("lambda", "MemorySize")
        for name in ("EvaluatorMemorySize", "RemediationMemorySize"):
            spec = source["Parameters"][name]
            self.assertGreaterEqual(int(spec["MinValue"]), memory["min"])
            self.assertLessEqual(int(spec["MaxValue"]), 10240)  # Lambda quotas: 10,240 MB
        for name in ("EvaluatorTimeout", "RemediationTimeout"):
            self.assertLessEqual(int(source["Parameters"][name]["MaxValue"]), 900)  # Lambda quotas: 900 s


class UserListingTest(unittest.TestCase):
    """The periodic run lists users with GetAccountAuthorizationDetails (Filter=User), for the tags ListUsers lacks."""

    INVENTORY = os.path.join(t.ROOT, "iam-access", "src", "main", "java", "io", "github", "stalekeys", "iam",
                             "IamKeyInventory.java")

    def test_a_page_of_user_details_is_at_most_1000_users_each_with_its_tags(self):
        # https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html (MaxItems
        # 1..1000, Filter User) and API_UserDetail.html (Tags); botocore's iam model is the machine-readable copy.
        operation = cfn.service_model("iam").operation_model("GetAccountAuthorizationDetails")
        inputs = operation.input_shape.members
        self.assertEqual(inputs["MaxItems"].metadata["max"], 1000)
        self.assertIn("User", inputs["Filter"].member.enum)
        detail = operation.output_shape.members["UserDetailList"].member
        self.assertIn("Tags", detail.members)
        self.assertTrue({"UserId", "UserName", "CreateDate"} <= set(detail.members))
        with open(self.INVENTORY, encoding="utf-8") as handle:
            source = handle.read()
        self.assertIn("USERS_PER_PAGE = 1000;", source)
        self.assertRegex(source, r"getAccountAuthorizationDetailsPaginator\(\s*request -> request\.filter\(EntityType\.USER\)"
                                 r"\.maxItems\(USERS_PER_PAGE\)\)")

    def test_the_action_has_no_resource_level_permissions_so_the_roles_grant_it_on_star(self):
        # Service Authorization Reference (cfn-lint's copy): no resource type for GetAccountAuthorizationDetails.
        from test_templates import iam_reference

        self.assertFalse(iam_reference()["iam"]["Actions"]["getaccountauthorizationdetails"].get("Resources"))
        for path in (t.SAM_TEMPLATE, os.path.join(t.ROOT, "deploy", "member-account-role.yaml")):
            with self.subTest(template=os.path.basename(path)):
                text = open(path, encoding="utf-8").read()
                # Granted on "*" is what check_star_resources (test_templates) then accepts for this action only.
                self.assertIn("iam:GetAccountAuthorizationDetails", text)


class CatalogueTest(unittest.TestCase):
    """Every row of the README's catalogue names a source and an existing test."""

    def test_each_row_names_a_source_and_an_existing_test(self):
        text = readme()
        section = text[text.index("## 7. Constraint catalogue"):]
        rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| #")
                and not line.startswith("| ---")]
        self.assertGreaterEqual(len(rows), 20)
        modules = {}
        for path in os.listdir(HERE):
            if path.startswith("test_") and path.endswith(".py"):
                with open(os.path.join(HERE, path), encoding="utf-8") as handle:
                    modules[path[:-3]] = handle.read()
        for row in rows:
            cells = [c.strip() for c in row.strip("|").split("|")]
            with self.subTest(row=cells[0]):
                self.assertRegex(cells[2], r"https://|aws/|cfn-lint|botocore|samtranslator|ssm-documents/", "source")
                tests = re.findall(r"`(test_\w+)\.(\w+)\.(test_\w+)`", cells[3])
                self.assertTrue(tests, "no test named in %s" % cells[3])
                for module, cls, method in tests:
                    self.assertIn(module, modules)
                    self.assertRegex(modules[module], r"class %s\(.*?(?s:.*)def %s\(" % (cls, method))


def check_remediation_passes_the_runbook_parameters(test, pack):
    runbook = t.runbook(RUNBOOKS["RemediationRunbook"])
    required = {name for name, spec in runbook["parameters"].items() if "default" not in spec}
    (remediation,) = t.resources_of(pack, "AWS::Config::RemediationConfiguration").values()
    passed = remediation["Properties"]["Parameters"]
    test.assertLessEqual(required, set(passed))
    test.assertLessEqual(set(passed), set(runbook["parameters"]))
    test.assertEqual(passed["IAMUserId"], {"ResourceValue": {"Value": "RESOURCE_ID"}})


if __name__ == "__main__":
    unittest.main()
