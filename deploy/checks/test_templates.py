"""Checks over the deployment templates, offline.

    python3 -m unittest discover -s deploy/checks

template.yaml is translated to plain CloudFormation by the SAM translator (as CloudFormation's
AWS::Serverless transform would), then every promise of the deployment is asserted on the result: the
rule and the runbook target the SnapStart aliases, the Config permission carries SourceAccount, no
policy grants a `*` action, each role has exactly its list of actions, the remediation passes the
runbook's parameters, the handlers exist in the artifacts `mvn package` built, and every template
parameter is used. The conformance pack and the member-account role template are checked too.
"""

import json
import os
import subprocess
import sys
import unittest
import zipfile

import templates as t

RUNBOOK_FILES = {
    "disable": os.path.join(t.ROOT, "ssm-documents", "disable-unused-access-keys.yaml"),
    "restore": os.path.join(t.ROOT, "ssm-documents", "restore-access-keys.yaml"),
}

# The actions each role may have: the API calls its code makes (see the Java sources), nothing else.
# ListUsers: not called by 1.0.0 (it lists with GetAccountAuthorizationDetails) but kept for one release, so the
# version still live while a stack update publishes the next one keeps working. Remove it in the release after.
PREVIOUS_RELEASE_LISTING = {"iam:ListUsers"}
EVALUATOR_ACTIONS = PREVIOUS_RELEASE_LISTING | {
    # The users with their tags, 1,000 a call (IamKeyInventory.everyUser).
    "iam:GetAccountAuthorizationDetails", "iam:GenerateCredentialReport", "iam:GetCredentialReport",
    "iam:GetUser", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:ListUserTags",
    "config:PutEvaluations", "config:GetComplianceDetailsByConfigRule",
    # A change-triggered evaluation's warnings: the changed user's standing result (RunWarnings.java).
    "config:GetComplianceDetailsByResource",
    # Warnings ahead of the limit, on this account's default bus.
    "events:PutEvents",
    # Verifies the backout's sealed grace (the key policy names this role).
    "kms:VerifyMac",
    # Its own log group (explicit, with retention): the Lambda runtime writes the function's logs.
    "logs:CreateLogStream", "logs:PutLogEvents",
}
EVALUATOR_CROSS_ACCOUNT_ACTIONS = {"sts:AssumeRole"}
# SecurityHubFindings=Enabled: one finding per key (SecurityHubFindings.java).
EVALUATOR_SECURITY_HUB_ACTIONS = {"securityhub:BatchImportFindings", "securityhub:GetFindings"}
REMEDIATION_ACTIONS = {
    "config:ListDiscoveredResources", "config:DescribeConfigRules", "iam:GetUser", "iam:ListUsers", "iam:ListAccessKeys",
    "iam:GetAccessKeyLastUsed", "iam:UpdateAccessKey", "iam:TagUser", "iam:UntagUser",
    "events:PutEvents",
    # Seals its audit records and verifies them at the backout.
    "kms:GenerateMac", "kms:VerifyMac",
    "logs:CreateLogStream", "logs:PutLogEvents",
}
DEFAULT_BUS = {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"}
EVENT_SOURCE = "io.github.stalekeys"
# The rules conformance packs deploy in this account and region (their ARNs, as AWS's
# ConfigConformsServiceRolePolicy names them).
PACK_RULES_OF_THIS_ACCOUNT = {"Fn::Sub": "arn:${AWS::Partition}:config:${AWS::Region}:${AWS::AccountId}:"
                                        "config-rule/aws-service-rule/config-conforms.amazonaws.com*"}
AUTOMATION_ACTIONS = {"lambda:InvokeFunction"}
MEMBER_ROLE_ACTIONS = PREVIOUS_RELEASE_LISTING | {
    "iam:GetAccountAuthorizationDetails", "iam:GenerateCredentialReport", "iam:GetCredentialReport",
    "iam:GetUser", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:ListUserTags",
    "config:PutEvaluations", "config:GetComplianceDetailsByConfigRule", "config:GetComplianceDetailsByResource",
}
FORBIDDEN_ACTIONS = {"iam:DeleteAccessKey", "iam:DeleteLoginProfile", "iam:UpdateLoginProfile",
                     "iam:CreateAccessKey", "iam:DeleteUser"}


def iam_reference():
    """cfn-lint's copy of the IAM service authorization reference: action -> resource types."""
    import cfnlint

    path = os.path.join(os.path.dirname(cfnlint.__file__), "data", "AdditionalSpecs", "Policies.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def single(test, mapping, what):
    test.assertEqual(len(mapping), 1, "expected exactly one %s, found %s" % (what, sorted(mapping)))
    return next(iter(mapping.items()))


class SamTemplateTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.source = t.parse(t.SAM_TEMPLATE)
        cls.cfn = t.translated()
        cls.resolved = {name: t.with_conditions(t.translated(), conditions)
                        for name, conditions in t.scenarios(cls.cfn).items()}

    # ------------------------------------------------------------------ helpers
    def function_named(self, logical_id):
        res = self.cfn["Resources"][logical_id]
        self.assertEqual(res["Type"], "AWS::Lambda::Function")
        return res

    def alias_of(self, function_id):
        aliases = {name: res for name, res in t.resources_of(self.cfn, "AWS::Lambda::Alias").items()
                   if res["Properties"]["FunctionName"] == {"Ref": function_id}}
        name, alias = single(self, aliases, "alias of %s" % function_id)
        version = self.cfn["Resources"][alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]]
        self.assertEqual(version["Type"], "AWS::Lambda::Version")
        self.assertEqual(version["Properties"]["FunctionName"], {"Ref": function_id})
        return name

    def role_of(self, function_id):
        return self.function_named(function_id)["Properties"]["Role"]["Fn::GetAtt"][0]

    def rule(self, template=None):
        return single(self, t.resources_of(template or self.cfn, "AWS::Config::ConfigRule"), "Config rule")

    # ------------------------------------------------------------------ functions
    def test_functions_are_java21_with_snapstart_on_published_versions_and_a_log_group_with_retention(self):
        functions = t.resources_of(self.cfn, "AWS::Lambda::Function")
        self.assertEqual(set(functions), {"EvaluatorFunction", "RemediationFunction"})
        for name, res in functions.items():
            with self.subTest(function=name):
                props = res["Properties"]
                self.assertEqual(props["Runtime"], "java21")
                self.assertEqual(props["SnapStart"], {"ApplyOn": "PublishedVersions"})
                self.alias_of(name)
                log_group = self.cfn["Resources"][props["LoggingConfig"]["LogGroup"]["Ref"]]
                self.assertEqual(log_group["Type"], "AWS::Logs::LogGroup")
                self.assertEqual(log_group["Properties"]["RetentionInDays"], {"Ref": "LogRetentionDays"})
                self.assertEqual(props["LoggingConfig"]["LogFormat"], "JSON")

    def test_handler_classes_exist_in_the_built_artifacts(self):
        functions = t.resources_of(self.source, "AWS::Serverless::Function")
        self.assertEqual(len(functions), 2)
        for name, res in functions.items():
            with self.subTest(function=name):
                props = res["Properties"]
                artifact = os.path.join(t.ROOT, props["CodeUri"])
                if not os.path.isfile(artifact):
                    self.fail("%s: %s is not built. Build the Lambda packages first, from the repository "
                              "root: scripts/package" % (name, props["CodeUri"]))
                self.assertTrue(artifact.endswith(".zip"),
                                "a .zip CodeUri is uploaded as is (sam build skips it); a .jar would need SkipBuild")
                class_name, _, method = props["Handler"].partition("::")
                self.assertEqual(method, "handleRequest")
                entry = class_name.replace(".", "/") + ".class"
                with zipfile.ZipFile(artifact) as package:
                    names = set(package.namelist())
                    self.assertIn(entry, names, "%s: handler class %s is not at the root of %s"
                                  % (name, class_name, props["CodeUri"]))
                    self.assertIn(b"handleRequest", package.read(entry))
                    libs = [n for n in names if n.startswith("lib/") and n.endswith(".jar")]
                    self.assertTrue(any("aws-lambda-java-core" in n for n in libs),
                                    "dependencies belong in lib/ of the package")
                    self.assertFalse(any("aws-emulator" in n or "junit" in n for n in libs),
                                     "test dependencies must stay out of the package")

    # ------------------------------------------------------------------ rule and permission
    def test_rule_is_a_custom_lambda_rule_on_iam_users_that_targets_the_evaluator_alias(self):
        name, rule = self.rule()
        props = rule["Properties"]
        self.assertEqual(props["Source"]["Owner"], "CUSTOM_LAMBDA")
        self.assertEqual(props["Source"]["SourceIdentifier"], {"Ref": self.alias_of("EvaluatorFunction")})
        self.assertEqual(props["Scope"], {"ComplianceResourceTypes": ["AWS::IAM::User"]})
        details = {d["MessageType"]: d for d in props["Source"]["SourceDetails"]}
        self.assertEqual(set(details), {"ScheduledNotification", "ConfigurationItemChangeNotification",
                                        "OversizedConfigurationItemChangeNotification"})
        self.assertTrue(all(d["EventSource"] == "aws.config" for d in details.values()))
        self.assertEqual(details["ScheduledNotification"]["MaximumExecutionFrequency"], {"Ref": "EvaluationFrequency"})
        permission, _ = single(self, t.resources_of(self.cfn, "AWS::Lambda::Permission"), "Lambda permission")
        self.assertIn(permission, t.as_list(rule.get("DependsOn", [])),
                      "Config checks at creation that it may invoke the function")

    def test_rule_input_parameters_are_the_evaluators_and_come_from_the_template_parameters(self):
        _, rule = self.rule()
        expected = {"maxAccessKeyAgeDays": "MaxAccessKeyAgeDays", "exemptUsers": "ExemptUsers",
                    "exemptionTagKey": "ExemptionTagKey", "executionRoleName": "ExecutionRoleName",
                    "maxNeverUsedKeyAgeDays": "MaxNeverUsedKeyAgeDays", "warningDays": "WarningDays",
                    "evaluationFrequency": "EvaluationFrequency", "ownerTagKey": "OwnerTagKey",
                    "automaticRemediation": "AutomaticRemediation", "refreshDays": "RefreshDays"}
        for scenario, template in self.resolved.items():
            with self.subTest(scenario=scenario):
                params = template["Resources"][self.rule()[0]]["Properties"]["InputParameters"]
                self.assertLessEqual(set(params), set(expected))
                self.assertIn("maxAccessKeyAgeDays", params)
                for key, value in params.items():
                    self.assertEqual(value, {"Ref": expected[key]})
        self.assertEqual(set(self.resolved["all conditions true"]["Resources"][self.rule()[0]]
                             ["Properties"]["InputParameters"]), set(expected))

    def test_config_permission_is_on_the_alias_and_carries_source_account(self):
        _, permission = single(self, t.resources_of(self.cfn, "AWS::Lambda::Permission"), "Lambda permission")
        props = permission["Properties"]
        self.assertEqual(props["Principal"], "config.amazonaws.com")
        self.assertEqual(props["Action"], "lambda:InvokeFunction")
        self.assertEqual(props["FunctionName"], {"Ref": self.alias_of("EvaluatorFunction")})
        self.assertEqual(props["SourceAccount"], {"Ref": "AWS::AccountId"})

    # ------------------------------------------------------------------ runbooks and remediation
    def test_runbooks_are_automation_documents_included_from_ssm_documents(self):
        documents = t.resources_of(self.cfn, "AWS::SSM::Document")
        locations = set()
        for name, res in documents.items():
            with self.subTest(document=name):
                props = res["Properties"]
                self.assertEqual(props["DocumentType"], "Automation")
                self.assertEqual(props["DocumentFormat"], "YAML")
                transform = props["Content"]["Fn::Transform"]
                self.assertEqual(transform["Name"], "AWS::Include")
                location = transform["Parameters"]["Location"]
                path = os.path.normpath(os.path.join(os.path.dirname(t.SAM_TEMPLATE), location))
                self.assertTrue(os.path.isfile(path), "%s: AWS::Include Location %s does not exist" % (name, location))
                locations.add(path)
                content = t.runbook(path)  # plain YAML: no CloudFormation short tags
                self.assertEqual(content["schemaVersion"], "0.3")
                self.assertNotIn("Fn::", json.dumps(content), "included content would be read as intrinsics")
        self.assertEqual(locations, set(RUNBOOK_FILES.values()))

    def remediation(self, template):
        return single(self, t.resources_of(template, "AWS::Config::RemediationConfiguration"),
                      "remediation configuration")[1]["Properties"]

    def test_remediation_targets_the_remediation_runbook_and_invokes_the_remediation_alias(self):
        props = self.remediation(self.cfn)
        self.assertEqual(props["TargetType"], "SSM_DOCUMENT")
        self.assertEqual(props["ResourceType"], "AWS::IAM::User")
        self.assertEqual(props["ConfigRuleName"], {"Ref": self.rule()[0]})
        document = self.cfn["Resources"][props["TargetId"]["Ref"]]
        self.assertEqual(document["Properties"]["Content"]["Fn::Transform"]["Parameters"]["Location"],
                         "ssm-documents/disable-unused-access-keys.yaml")
        params = props["Parameters"]
        self.assertEqual(params["RemediationFunction"],
                         {"StaticValue": {"Values": [{"Ref": self.alias_of("RemediationFunction")}]}})
        self.assertEqual(params["IAMUserId"], {"ResourceValue": {"Value": "RESOURCE_ID"}})
        self.assertEqual(params["AutomationAssumeRole"],
                         {"StaticValue": {"Values": [{"Fn::GetAtt": ["AutomationRole", "Arn"]}]}})
        self.assertEqual(props["Automatic"], {"Ref": "AutomaticRemediation"})
        self.assertEqual(props["MaximumAutomaticAttempts"], {"Ref": "MaximumAutomaticAttempts"})
        self.assertEqual(props["RetryAttemptSeconds"], {"Ref": "RetryAttemptSeconds"})
        self.assertEqual(props["ExecutionControls"]["SsmControls"], {
            "ConcurrentExecutionRatePercentage": {"Ref": "RemediationConcurrencyPercentage"},
            "ErrorPercentage": {"Ref": "RemediationErrorPercentage"}})

    def test_remediation_parameters_are_the_runbooks_and_cover_its_required_ones(self):
        check_remediation_parameters(self, self.cfn)

    def test_defaults_are_safe(self):
        params = self.source["Parameters"]
        self.assertEqual(params["AutomaticRemediation"]["Default"], "false")
        self.assertEqual(params["MaxAccessKeyAgeDays"]["Default"], 90)
        self.assertEqual(params["EvaluationFrequency"]["Default"], "TwentyFour_Hours")
        self.assertEqual(params["ExecutionRoleName"]["Default"], "")
        self.assertLessEqual(params["RemediationTimeout"]["MaxValue"], 300, "the runbook's invoke step allows 300 s")
        for name, spec in params.items():
            with self.subTest(parameter=name):
                self.assertTrue({"AllowedValues", "AllowedPattern", "MinValue"} & set(spec),
                                "every parameter is constrained")

    # ------------------------------------------------------------------ IAM
    def test_no_policy_grants_a_wildcard_action(self):
        for scenario, template in self.resolved.items():
            with self.subTest(scenario=scenario):
                check_no_wildcard_actions(self, template)

    def test_star_resources_only_for_actions_without_resource_level_permissions(self):
        for scenario, template in self.resolved.items():
            with self.subTest(scenario=scenario):
                check_star_resources(self, template)

    def test_evaluator_role_has_exactly_its_actions(self):
        role = self.role_of("EvaluatorFunction")
        for scenario, template in self.resolved.items():
            with self.subTest(scenario=scenario):
                actions = t.actions_of(t.role_statements(template, role))
                expected = set(EVALUATOR_ACTIONS)
                if scenario == "all conditions true":
                    expected |= EVALUATOR_CROSS_ACCOUNT_ACTIONS | EVALUATOR_SECURITY_HUB_ACTIONS
                self.assertEqual(actions, expected)

    def test_evaluator_resources_are_scoped(self):
        template = self.resolved["all conditions true"]
        by_action = statements_by_action(t.role_statements(template, self.role_of("EvaluatorFunction")))
        user_arn = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*"}
        for action in ("iam:GetUser", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:ListUserTags"):
            self.assertEqual(by_action[action]["Resource"], user_arn, action)
        self.assertEqual(by_action["config:GetComplianceDetailsByConfigRule"]["Resource"],
                         [{"Fn::GetAtt": [self.rule()[0], "Arn"]}, PACK_RULES_OF_THIS_ACCOUNT])
        self.assertEqual(by_action["sts:AssumeRole"]["Resource"],
                         {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}"})
        # Any account can create a role of that name: only our organization's are trusted.
        self.assertEqual(by_action["sts:AssumeRole"]["Condition"],
                         {"StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}})
        off = statements_by_action(t.role_statements(self.resolved["all conditions false"],
                                                     self.role_of("EvaluatorFunction")))
        self.assertNotIn("sts:AssumeRole", off, "no AssumeRole unless ExecutionRoleName is set")

    def test_evaluator_reads_the_results_of_a_conformance_pack_rule_of_this_account(self):
        # A single-account pack's rule is another rule than the stack's, deployed by Config's service-linked
        # role: its ARN is config-rule/aws-service-rule/config-conforms.amazonaws.com... (the resource of
        # ConfigConformsServiceRolePolicy). Without this the pack's rule fails on its first periodic run, and
        # the only way out was ExecutionRoleName, which needs an organization and skips the audit records.
        for scenario, template in self.resolved.items():
            with self.subTest(scenario=scenario):
                statements = [s for s in t.role_statements(template, self.role_of("EvaluatorFunction"))
                              if "config:GetComplianceDetailsByConfigRule" in t.as_list(s["Action"])]
                self.assertEqual(len(statements), 1)
                self.assertIn(PACK_RULES_OF_THIS_ACCOUNT, t.as_list(statements[0]["Resource"]))
                self.assertEqual(t.as_list(statements[0]["Action"]), ["config:GetComplianceDetailsByConfigRule"],
                                 "reading results only, never changing a pack's rule")

    def test_both_functions_put_events_on_the_default_bus_with_their_source_only(self):
        for function in ("EvaluatorFunction", "RemediationFunction"):
            with self.subTest(function=function):
                by_action = statements_by_action(
                    t.role_statements(self.resolved["all conditions true"], self.role_of(function)))
                self.assertEqual(by_action["events:PutEvents"]["Resource"], DEFAULT_BUS)
                self.assertEqual(by_action["events:PutEvents"]["Condition"],
                                 {"StringEquals": {"events:source": EVENT_SOURCE}})

    def test_notifications_route_the_events_only_when_asked(self):
        rules = lambda template: {name: rule for name, rule in t.resources_of(template, "AWS::Events::Rule").items()
                                  if name != "AccessAnalyzerFindingsRule"}
        self.assertEqual(rules(self.resolved["all conditions false"]), {},
                         "no e-mail, no topic: events are published, nothing routes them")
        _, rule = single(self, rules(self.resolved["all conditions true"]), "notification rule")
        props = rule["Properties"]
        self.assertEqual(props["EventPattern"], {"source": [EVENT_SOURCE]})
        self.assertEqual(props["EventBusName"], "default")
        targets = {target["Id"]: target for target in props["Targets"]}
        self.assertEqual(set(targets), {"email", "topic"})
        self.assertEqual(targets["topic"]["Arn"], {"Ref": "NotificationTopicArn"})
        for target in targets.values():
            transformer = target["InputTransformer"]
            self.assertEqual(transformer["InputPathsMap"]["message"], "$.detail.message")
            self.assertIn("<message>", transformer["InputTemplate"])
        topics = t.resources_of(self.resolved["all conditions true"], "AWS::SNS::Topic")
        _, topic = single(self, topics, "e-mail topic")
        self.assertEqual(topic["Properties"]["Subscription"],
                         [{"Protocol": "email", "Endpoint": {"Ref": "NotificationEmail"}}])
        _, policy = single(self, t.resources_of(self.resolved["all conditions true"], "AWS::SNS::TopicPolicy"),
                           "topic policy")
        statement = policy["Properties"]["PolicyDocument"]["Statement"][0]
        self.assertEqual(statement["Principal"], {"Service": "events.amazonaws.com"})
        self.assertEqual(statement["Action"], "sns:Publish")
        self.assertIn("aws:SourceArn", statement["Condition"]["ArnEquals"], "only our rule may publish")

    def test_the_remediation_reads_its_settings_from_the_rule_it_serves(self):
        check_remediation_serves_the_rule(self, self.cfn)

    def test_remediation_role_has_exactly_its_actions_and_tags_only_its_audit_record(self):
        role = self.role_of("RemediationFunction")
        statements = t.role_statements(self.cfn, role)
        self.assertEqual(t.actions_of(statements), REMEDIATION_ACTIONS)
        self.assertFalse(t.actions_of(statements) & FORBIDDEN_ACTIONS)
        by_action = statements_by_action(statements)
        user_arn = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*"}
        for action in ("iam:GetUser", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:UpdateAccessKey",
                       "iam:TagUser", "iam:UntagUser"):
            self.assertEqual(by_action[action]["Resource"], user_arn, action)
        for action in ("iam:TagUser", "iam:UntagUser"):
            condition = by_action[action]["Condition"]
            self.assertEqual(condition["ForAllValues:StringLike"], {"aws:TagKeys": "StaleKeyRemediation:*"})
            self.assertEqual(condition["Null"], {"aws:TagKeys": "false"})

    def test_automation_role_is_trusted_by_ssm_of_this_account_and_may_only_invoke_the_remediation_alias(self):
        role = self.cfn["Resources"]["AutomationRole"]["Properties"]
        (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(trust["Principal"], {"Service": "ssm.amazonaws.com"})
        self.assertEqual(trust["Condition"]["StringEquals"], {"aws:SourceAccount": {"Ref": "AWS::AccountId"}})
        statements = t.role_statements(self.cfn, "AutomationRole")
        self.assertEqual(t.actions_of(statements), AUTOMATION_ACTIONS)
        self.assertEqual([s["Resource"] for s in statements], [{"Ref": self.alias_of("RemediationFunction")}])

    def test_function_roles_are_trusted_by_lambda_only(self):
        for function in ("EvaluatorFunction", "RemediationFunction"):
            with self.subTest(function=function):
                doc = self.cfn["Resources"][self.role_of(function)]["Properties"]["AssumeRolePolicyDocument"]
                (trust,) = doc["Statement"]
                self.assertEqual(trust["Principal"], {"Service": "lambda.amazonaws.com"})
                self.assertFalse(self.cfn["Resources"][self.role_of(function)]["Properties"].get("ManagedPolicyArns"))

    # ------------------------------------------------------------------ parameters and outputs
    def test_every_parameter_is_used(self):
        check_every_parameter_used(self, self.source)
        check_every_parameter_used(self, self.cfn)

    def test_outputs_name_the_rule_runbooks_functions_and_aliases(self):
        outputs = self.cfn["Outputs"]
        self.assertEqual(outputs["ConfigRuleName"]["Value"], {"Ref": self.rule()[0]})
        self.assertEqual(outputs["RemediationRunbookName"]["Value"], {"Ref": "RemediationRunbook"})
        self.assertEqual(outputs["BackoutRunbookName"]["Value"], {"Ref": "BackoutRunbook"})
        self.assertEqual(outputs["EvaluatorAliasArn"]["Value"], {"Ref": self.alias_of("EvaluatorFunction")})
        self.assertEqual(outputs["RemediationAliasArn"]["Value"], {"Ref": self.alias_of("RemediationFunction")})
        self.assertEqual(outputs["EvaluatorFunctionArn"]["Value"], {"Fn::GetAtt": ["EvaluatorFunction", "Arn"]})
        self.assertEqual(outputs["RemediationFunctionArn"]["Value"], {"Fn::GetAtt": ["RemediationFunction", "Arn"]})


class ConformancePackTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.pack = t.parse(t.CONFORMANCE_PACK)
        cls.written = t.parse_text(subprocess.run(
            [sys.executable, os.path.join(t.ROOT, "deploy", "write-conformance-pack"), "--account-id", "123456789012"],
            check=True, capture_output=True, text=True).stdout)

    def test_holds_only_config_rules_and_remediations_and_string_parameters(self):
        for pack in (self.pack, self.written):
            types = {res["Type"] for res in pack["Resources"].values()}
            self.assertLessEqual(types, {"AWS::Config::ConfigRule", "AWS::Config::RemediationConfiguration"})
            for name, spec in pack["Parameters"].items():
                self.assertEqual(spec["Type"], "String", name)
        with open(t.CONFORMANCE_PACK, "rb") as handle:
            self.assertLessEqual(len(handle.read()), 51200, "TemplateBody limit of put-conformance-pack")

    def test_rule_targets_the_lambda_arn_parameter(self):
        (rule,) = t.resources_of(self.pack, "AWS::Config::ConfigRule").values()
        props = rule["Properties"]
        self.assertEqual(props["Source"]["Owner"], "CUSTOM_LAMBDA")
        self.assertEqual(props["Source"]["SourceIdentifier"], {"Ref": "EvaluatorFunctionArn"})
        self.assertEqual(props["Scope"], {"ComplianceResourceTypes": ["AWS::IAM::User"]})
        self.assertEqual({d["MessageType"] for d in props["Source"]["SourceDetails"]},
                         {"ScheduledNotification", "ConfigurationItemChangeNotification",
                          "OversizedConfigurationItemChangeNotification"})

    def test_source_pack_is_detection_only(self):
        # The remediation needs literal values per account: deploy/write-conformance-pack adds it.
        self.assertFalse(t.resources_of(self.pack, "AWS::Config::RemediationConfiguration"))

    def test_every_parameter_is_used(self):
        check_every_parameter_used(self, self.pack)
        check_every_parameter_used(self, self.written)

    def test_written_remediation_parameters_are_the_runbooks_and_cover_its_required_ones(self):
        check_remediation_parameters(self, self.written)


class MemberAccountRoleTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.template = t.parse(t.MEMBER_ROLE)

    def test_role_is_named_by_parameter_and_trusts_only_the_central_evaluator_role(self):
        role = self.template["Resources"]["EvaluationRole"]["Properties"]
        self.assertEqual(role["RoleName"], {"Ref": "ExecutionRoleName"})
        (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(trust["Principal"], {"AWS": {"Ref": "EvaluatorRoleArn"}})
        self.assertEqual(trust["Action"], "sts:AssumeRole")

    def test_role_has_exactly_the_evaluators_read_and_config_actions(self):
        statements = t.role_statements(self.template, "EvaluationRole")
        self.assertEqual(t.actions_of(statements), MEMBER_ROLE_ACTIONS)

    def test_no_wildcard_action_and_star_only_where_iam_allows_nothing_else(self):
        check_no_wildcard_actions(self, self.template)
        check_star_resources(self, self.template)

    def test_every_parameter_is_used(self):
        check_every_parameter_used(self, self.template)


# ---------------------------------------------------------------------- shared checks
def statements_by_action(statements):
    found = {}
    for statement in statements:
        for action in t.as_list(statement["Action"]):
            found[action] = statement
    return found


def check_no_wildcard_actions(test, template):
    documents = t.policy_documents(template)
    test.assertTrue(documents)
    for where, document in documents:
        for statement in t.as_list(document["Statement"]):
            with test.subTest(policy=where, sid=statement.get("Sid")):
                test.assertEqual(statement["Effect"], "Allow")
                test.assertNotIn("NotAction", statement)
                test.assertNotIn("NotResource", statement)
                for action in t.as_list(statement["Action"]):
                    test.assertIsInstance(action, str)
                    test.assertNotIn("*", action, "wildcard action %s" % action)
                    test.assertNotIn("?", action)


def check_star_resources(test, template):
    reference = iam_reference()
    for where, document in t.policy_documents(template):
        for statement in t.as_list(document["Statement"]):
            if "*" not in t.as_list(statement["Resource"]):
                continue
            for action in t.as_list(statement["Action"]):
                service, _, name = action.partition(":")
                spec = reference[service]["Actions"][name.lower()]
                with test.subTest(policy=where, action=action):
                    test.assertFalse(spec.get("Resources"),
                                     "%s supports resource-level permissions (%s): scope it"
                                     % (action, spec.get("Resources")))


def check_remediation_parameters(test, template):
    remediation_props = [res["Properties"] for res in
                         t.resources_of(template, "AWS::Config::RemediationConfiguration").values()]
    test.assertEqual(len(remediation_props), 1)
    runbook = t.runbook(RUNBOOK_FILES["disable"])
    declared = set(runbook["parameters"])
    required = {name for name, spec in runbook["parameters"].items() if "default" not in spec}
    test.assertIn("AutomationAssumeRole", required)
    for scenario, conditions in t.scenarios(template).items():
        resolved = t.with_conditions(template, conditions)
        found = [res["Properties"] for res in t.resources_of(resolved, "AWS::Config::RemediationConfiguration").values()]
        if not found:
            # Only a pack left without its remediation settings (detection only) has no remediation.
            test.assertEqual(scenario, "all conditions false")
            test.assertIn("HasRemediation", conditions)
            continue
        (props,) = found
        passed = props["Parameters"]
        with test.subTest(scenario=scenario):
            test.assertLessEqual(set(passed), declared, "parameters the runbook does not declare")
            test.assertLessEqual(required, set(passed), "required runbook parameters not passed")
            resource_values = {n for n, v in passed.items() if "ResourceValue" in v}
            test.assertEqual(resource_values, {"IAMUserId"})
            test.assertEqual(passed["IAMUserId"], {"ResourceValue": {"Value": "RESOURCE_ID"}})
            for name, value in passed.items():
                if name != "IAMUserId":
                    test.assertEqual(set(value), {"StaticValue"}, name)
                    test.assertEqual(len(value["StaticValue"]["Values"]), 1, name)
            if scenario == "all conditions true":
                test.assertEqual(set(passed), declared, "with every setting given, every runbook parameter is passed")


def check_remediation_serves_the_rule(test, template):
    """The remediation takes the deployed threshold and exemptions from the live rule (its InputParameters,
    read with config:DescribeConfigRules at each run), never from its own environment: a function property
    given as !Ref never reaches the published version the runbooks invoke (aws/serverless-application-model
    #1640, #3820), while a rule's parameters are updated in place."""
    (rule,) = t.resources_of(template, "AWS::Config::ConfigRule").values()
    function = template["Resources"]["RemediationFunction"]
    variables = function["Properties"]["Environment"]["Variables"]
    test.assertEqual(variables.get("CONFIG_RULE_NAME"), rule["Properties"]["ConfigRuleName"],
                     "the remediation names the rule it serves")
    rule_settings = t.referenced_names(rule["Properties"]["InputParameters"])
    test.assertTrue(rule_settings, "the rule's parameters come from template parameters")
    test.assertFalse(t.referenced_names(variables) & rule_settings,
                     "the rule's settings reach the remediation through the rule, not its environment: %s"
                     % sorted(t.referenced_names(variables) & rule_settings))
    role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    test.assertIn("config:DescribeConfigRules", t.actions_of(t.role_statements(template, role)))


def check_every_parameter_used(test, template):
    used = t.referenced_names({k: v for k, v in template.items() if k in ("Resources", "Conditions", "Outputs")})
    for name in template.get("Parameters", {}):
        with test.subTest(parameter=name):
            test.assertIn(name, used, "parameter %s is never used" % name)


if __name__ == "__main__":
    unittest.main()
