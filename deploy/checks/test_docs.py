"""The names the documentation quotes are the ones the stack creates.

A reader copies the CLI examples of README.md, deploy/README.md, ssm-documents/README.md,
deploy/organization/README.md and docs/*.md: every runbook, function, role and rule name they quote must be one
template.yaml creates with the default ResourcePrefix (or a placeholder such as <prefix>), every
template parameter a command sets must exist, and every <Placeholder> must name a stack output or a
parameter. The demo (scripts/run) and the sample events use the same rule name as the CLI examples.
The checker is tested on planted wrong names too, so it cannot pass by finding nothing.
"""

import glob
import json
import os
import re
import unittest

import templates as t

DOCS = ("README.md", "deploy/README.md", "ssm-documents/README.md", "deploy/organization/README.md") + tuple(
    sorted(os.path.relpath(path, t.ROOT) for path in glob.glob(os.path.join(t.ROOT, "docs", "*.md"))))
# How the docs write "your ResourcePrefix" in a name.
PREFIX_PLACEHOLDERS = ("<prefix>", "PREFIX", "<ResourcePrefix>", "$PREFIX", "${PREFIX}")
# Roles the docs name that the stack does not create, each for a reason.
OTHER_ROLES = {
    "OrganizationAccountAccessRole": "the role Organizations creates in member accounts",
    "EXECUTION_ROLE_NAME": "placeholder for the ExecutionRoleName parameter",
}
RUNBOOK_SUFFIXES = ("DisableUnusedAccessKeys", "RestoreAccessKeys")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)


def deployed_names(template=None):
    """What template.yaml names with its parameters' defaults: kind -> set of names."""
    template = template or t.parse(t.SAM_TEMPLATE)
    defaults = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}

    def resolve(value):
        if isinstance(value, dict) and "Fn::Sub" in value:
            # The list form's own variables (a stack id's UUID) are known only on deploy: kept as ${Name}.
            text, local = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
            return re.sub(
                r"\$\{(\w+)\}", lambda m: m.group(0) if m.group(1) in local else defaults[m.group(1)], text)
        if isinstance(value, dict) and "Ref" in value:
            return defaults[value["Ref"]]
        return value

    kinds = {
        "AWS::SSM::Document": ("runbook", "Name"),
        "AWS::Serverless::Function": ("function", "FunctionName"),
        "AWS::IAM::Role": ("role", "RoleName"),
        "AWS::Config::ConfigRule": ("rule", "ConfigRuleName"),
        "AWS::Logs::LogGroup": ("log group", "LogGroupName"),
    }
    names = {kind: set() for kind, _ in kinds.values()}
    for resource in template["Resources"].values():
        if resource.get("Type") in kinds:
            kind, prop = kinds[resource["Type"]]
            name = resolve(resource["Properties"][prop])
            names[kind].add(name)
            if "/${" in name:
                names[kind].add(name[: name.index("/${")])  # what the docs can quote of it
    names["prefix"] = {defaults["ResourcePrefix"]}
    names["parameter"] = set(template["Parameters"])
    names["output"] = set(template.get("Outputs", {}))
    runbook_parameters = set()
    for path in glob.glob(os.path.join(t.ROOT, "ssm-documents", "*.yaml")):
        runbook_parameters |= set(t.runbook(path).get("parameters", {}))
    names["runbook parameter"] = runbook_parameters
    names["member role parameter"] = set(t.parse(t.MEMBER_ROLE)["Parameters"])
    names["member role"] = {str(t.parse(t.MEMBER_ROLE)["Parameters"]["ExecutionRoleName"].get("Default", ""))}
    names["pack parameter"] = set(t.parse(t.CONFORMANCE_PACK)["Parameters"])
    return names


def commands(text):
    """The shell commands of the fenced blocks, continuation lines joined, with their line numbers."""
    for block in FENCE.finditer(text):
        start = text.count("\n", 0, block.start(1)) + 1
        joined, first = "", None
        for offset, line in enumerate(block.group(1).split("\n")):
            if first is None:
                first = start + offset
            joined += line.rstrip("\\").rstrip() + " " if line.rstrip().endswith("\\") else line
            if not line.rstrip().endswith("\\"):
                if joined.strip():
                    yield first, joined
                joined, first = "", None


def _line(text, index):
    return text.count("\n", 0, index) + 1


def _prefixed_ok(name, suffix, names):
    prefix = name[: -len(suffix)].rstrip("-")
    return prefix in names["prefix"] or prefix in PREFIX_PLACEHOLDERS


def problems(text, where, names):
    """Every name in `text` (a Markdown document) that the stack does not create, as 'where:line: ...'."""
    found = []

    def report(index, message):
        found.append("%s:%d: %s" % (where, _line(text, index), message))

    # Runbooks, wherever they are named: PREFIX-DisableUnusedAccessKeys, PREFIX-RestoreAccessKeys.
    for match in re.finditer(r"[\w<>${}-]*(%s)\b" % "|".join(RUNBOOK_SUFFIXES), text):
        if match.group(0) not in names["runbook"] and not _prefixed_ok(match.group(0), match.group(1), names):
            report(match.start(), "runbook %r: the stack creates %s" % (match.group(0), sorted(names["runbook"])))
    # Function and role ARNs.
    for match in re.finditer(r"arn:[\w<>-]+:lambda:[^:\s]*:[^:\s]*:function:([\w<>${}-]+)", text):
        name = match.group(1)
        if name not in names["function"] and not any(name.endswith("-" + s) and _prefixed_ok(name, s, names)
                                                      for s in ("evaluator", "remediation")):
            report(match.start(), "function %r: the stack creates %s" % (name, sorted(names["function"])))
    for match in re.finditer(r"arn:[\w<>-]+:iam::[^:\s]*:role/([\w<>${}+=,.@-]+)", text):
        name = match.group(1)
        known = names["role"] | names["member role"] | set(OTHER_ROLES)
        if name not in known and not any(name.endswith("-" + s) and _prefixed_ok(name, s, names)
                                         for s in ("automation", "evaluator", "remediation")):
            report(match.start(), "role %r: the stack creates %s" % (name, sorted(names["role"])))
    # Log groups.
    for match in re.finditer(r"/aws/lambda/([\w<>${}-]+)", text):
        if "/aws/lambda/" + match.group(1) not in names["log group"] and not match.group(1).startswith(
                PREFIX_PLACEHOLDERS):
            report(match.start(), "log group %r: the stack creates %s" % (match.group(0), sorted(names["log group"])))
    # <Placeholders> in CamelCase name a stack output or a parameter the reader can look up.
    lookups = names["output"] | names["parameter"] | names["runbook parameter"] | names["member role parameter"]
    for match in re.finditer(r"<([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)>", text):
        if match.group(1) not in lookups:
            report(match.start(), "<%s> is no stack output or parameter" % match.group(1))
    for line, command in commands(text):
        found.extend("%s:%d: %s" % (where, line, problem) for problem in command_problems(command, names))
    return found


def command_problems(command, names):
    """The names one shell command gives that the stack, its parameters or its outputs do not have."""
    found = []
    words = command.split()
    if "aws" in words and "configservice" in words:
        for match in re.finditer(r"--config-rule-names? ([^\s'\"]+)", command):
            if match.group(1) not in names["rule"] and not match.group(1).startswith(("<", "$")):
                found.append("rule %r: the stack's rule is %s" % (match.group(1), sorted(names["rule"])))
        for match in re.finditer(r"ParameterName=(\w+)", command):
            if match.group(1) not in names["pack parameter"]:
                found.append("conformance pack parameter %r does not exist" % match.group(1))
    if "aws" in words and "securityhub" in words:
        for match in re.finditer(r'"Title":\[\{"Value":"([^"]+)"', command):
            if match.group(1) not in names["rule"]:
                found.append("rule %r: the stack's rule is %s" % (match.group(1), sorted(names["rule"])))
    if "aws" in words and "ssm" in words:
        for match in re.finditer(r"--document-name ([^\s'\"]+)|DocumentNamePrefix,Values=([^\s'\"]+)", command):
            name = match.group(1) or match.group(2)
            if name not in names["runbook"] and not name.startswith(("<", "$")):
                found.append("runbook %r: the stack creates %s" % (name, sorted(names["runbook"])))
        for match in re.finditer(r'"(\w+)": \[', command):
            if match.group(1) not in names["runbook parameter"]:
                found.append("runbook parameter %r does not exist" % match.group(1))
    if "aws" in words and "lambda" in words:
        for match in re.finditer(r"--function-name ([^\s'\"]+)", command):
            name = match.group(1)
            if name.split(":")[0] not in names["function"] and not name.startswith(("<", "$", "arn:")):
                found.append("function %r: the stack creates %s" % (name, sorted(names["function"])))
    # Template parameters: sam/cloudformation deploy overrides, the organization rollout's --parameter.
    if "--parameter-overrides" in words:
        overrides = command.split("--parameter-overrides", 1)[1].split(" --", 1)[0]
        for match in re.finditer(r"(?:ParameterKey=)?([A-Za-z]\w*)=", overrides):
            if match.group(1) not in names["parameter"] | {"ParameterKey", "ParameterValue"}:
                found.append("template parameter %r does not exist" % match.group(1))
    for match in re.finditer(r"--parameter ([A-Za-z]\w*)=", command):
        if match.group(1) not in names["parameter"] and match.group(1) != "Name":
            found.append("template parameter %r does not exist" % match.group(1))
    if "member-account-role.yaml" in command:
        for match in re.finditer(r"ParameterKey=(\w+)", command):
            if match.group(1) not in names["member role parameter"]:
                found.append("member-account-role.yaml has no parameter %r" % match.group(1))
    return found


def read(relative):
    with open(os.path.join(t.ROOT, relative), encoding="utf-8") as handle:
        return handle.read()


class DocumentedNamesTest(unittest.TestCase):
    """The four READMEs quote the names template.yaml creates (default ResourcePrefix)."""

    @classmethod
    def setUpClass(cls):
        cls.names = deployed_names()

    def test_the_names_are_read_from_the_template(self):
        # The check means something only if it knows the names: these are the template's, with StaleKeys.
        self.assertEqual(self.names["runbook"], {"StaleKeys-DisableUnusedAccessKeys", "StaleKeys-RestoreAccessKeys"})
        self.assertEqual(self.names["function"], {"StaleKeys-evaluator", "StaleKeys-remediation"})
        self.assertEqual(self.names["role"], {"StaleKeys-automation", "StaleKeys-evaluator", "StaleKeys-remediation",
                                                "StaleKeys-access-analyzer-events"})
        self.assertEqual(self.names["rule"], {"iam-user-unused-access-keys"})
        self.assertIn("BackoutRunbookName", self.names["output"])
        self.assertIn("GraceDays", self.names["runbook parameter"])

    def test_every_readme_quotes_only_names_the_stack_creates(self):
        for doc in DOCS:
            with self.subTest(doc=doc):
                self.assertEqual(problems(read(doc), doc, self.names), [])

    def test_the_parameter_table_lists_exactly_the_templates_parameters(self):
        text = read("deploy/README.md")
        section = text.split("## 2. Parameters", 1)[1].split("\n## ", 1)[0]
        listed = set()
        for row in re.finditer(r"^\| (`\w+`(?: / `\w+`)*) \|", section, re.M):
            listed |= set(re.findall(r"`(\w+)`", row.group(1)))
        self.assertEqual(listed - {"Parameter"}, self.names["parameter"])

    def test_the_outputs_line_lists_the_templates_outputs(self):
        text = read("deploy/README.md")
        line = re.search(r"^Outputs: (.*?)\.\n\n", text, re.M | re.S).group(1)
        self.assertEqual(set(re.findall(r"`(\w+)`", line)), self.names["output"])


class RuleDescriptionTest(unittest.TestCase):
    """The rule's Description (the Config console shows it) says what to do, the same in the stack and the pack."""

    def test_it_says_what_to_do_names_real_rule_parameters_and_fits(self):
        import cfn_eval as cfn

        limit = cfn.member_limits("config", "ConfigRule", "Description")["max"]  # PutConfigRule: 256
        descriptions = {}
        for path in (t.SAM_TEMPLATE, t.CONFORMANCE_PACK):
            template = t.parse(path)
            (rule,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Config::ConfigRule"]
            descriptions[os.path.basename(path)] = description = rule["Properties"]["Description"]
            with self.subTest(template=os.path.basename(path)):
                self.assertLessEqual(len(description), limit)
                self.assertIn("rotate or delete the key", description)
                for parameter in ("maxAccessKeyAgeDays", "exemptUsers", "exemptionTagKey"):
                    self.assertIn(parameter, description)
                    self.assertIn(parameter, rule["Properties"]["InputParameters"])
        self.assertEqual(len(set(descriptions.values())), 1, descriptions)


class OneRuleNameEverywhereTest(unittest.TestCase):
    """The demo and the sample events use the rule name the CLI examples use: the template's default."""

    @classmethod
    def setUpClass(cls):
        cls.names = deployed_names()

    def test_the_demos_use_the_deployed_names(self):
        for demo in ("LocalDemo.java", "OrganizationDemo.java"):
            source = read("tools/local-run/src/main/java/io/github/stalekeys/localrun/" + demo)
            with self.subTest(demo=demo):
                rule = re.search(r'static final String RULE_NAME = "([^"]+)"', source).group(1)
                self.assertIn(rule, self.names["rule"])
                for role in re.findall(r':role/([\w+=,.@-]+)"', source):
                    self.assertIn(role, self.names["role"] | set(OTHER_ROLES))
                for function in re.findall(r'"([A-Za-z][\w-]*):live"', source):
                    self.assertIn(function, self.names["function"])
                for prefix in re.findall(r'static final String PREFIX = "([^"]+)"', source):
                    self.assertIn(prefix, self.names["prefix"])

    def test_the_sample_events_name_the_deployed_rule(self):
        samples = glob.glob(os.path.join(t.ROOT, "events", "*.json"))
        self.assertTrue(samples)
        for path in samples:
            with open(path, encoding="utf-8") as handle:
                event = json.load(handle)
            rule = event.get("configRuleName", event.get("detail", {}).get("configRuleName"))
            if rule is not None:
                with self.subTest(sample=os.path.basename(path)):
                    self.assertIn(rule, self.names["rule"])


class CheckerFindsPlantedNamesTest(unittest.TestCase):
    """The checker itself: a planted wrong name is reported, with its document and line."""

    @classmethod
    def setUpClass(cls):
        cls.names = deployed_names()

    def planted(self, text):
        return problems(text, "planted.md", self.names)

    def test_a_runbook_without_the_prefix_is_reported(self):
        found = self.planted("intro\n\n```sh\naws ssm start-automation-execution --document-name RestoreAccessKeys\n```\n")
        self.assertTrue(any("planted.md:4: runbook 'RestoreAccessKeys'" in p for p in found), found)

    def test_a_document_name_prefix_that_matches_nothing_is_reported(self):
        found = self.planted("```sh\naws ssm describe-automation-executions \\\n"
                             "  --filters Key=DocumentNamePrefix,Values=OtherKeys-DisableUnusedAccessKeys\n```\n")
        self.assertTrue(found, found)

    def test_function_role_and_log_group_names_the_stack_never_creates_are_reported(self):
        found = self.planted('"arn:aws:iam::123456789012:role/UnusedKeysAutomation" '
                             '"arn:aws:lambda:us-east-1:123456789012:function:unused-keys-remediation:live" '
                             "/aws/lambda/unused-keys-evaluator")
        self.assertEqual(len(found), 3, found)

    def test_a_wrong_rule_name_in_a_config_command_is_reported(self):
        found = self.planted("```sh\naws configservice start-config-rules-evaluation --config-rule-names "
                             "iam-unused-access-keys\n```\n")
        self.assertEqual(len(found), 1, found)

    def test_parameters_that_do_not_exist_are_reported(self):
        found = self.planted("```sh\nsam deploy --parameter-overrides MaxKeyAgeDays=90 AutomaticRemediation=true\n"
                             "deploy/organization/rollout --targets r-abcd --parameter DryRun=true\n"
                             "aws ssm start-automation-execution --document-name StaleKeys-RestoreAccessKeys "
                             "--parameters '{\"UserName\": [\"alice\"]}'\n```\n")
        self.assertEqual(len(found), 3, found)
        self.assertTrue(any("MaxKeyAgeDays" in p for p in found) and any("DryRun" in p for p in found), found)

    def test_a_placeholder_naming_no_output_is_reported(self):
        self.assertEqual(len(self.planted("--document-name <RestoreRunbookName>")), 1)
        self.assertEqual(self.planted("--document-name <BackoutRunbookName> <prefix>-RestoreAccessKeys"), [])


if __name__ == "__main__":
    unittest.main()
