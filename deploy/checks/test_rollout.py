"""deploy/organization/rollout, run against a recording stand-in for the AWS CLI (no AWS account here).

    python3 -m unittest discover -s deploy/checks

The stand-in answers the few read calls the script makes and records every call, so these tests check
what the script asks AWS to do: the StackSet's permission model and automatic deployment, who it acts as,
that the Lambda packages are uploaded under the keys the member template names before any stack uses
them, that every bad input stops it before any call (all of them named at once), what --dry-run prints
without calling anything, and the progress it prints while a StackSet operation runs.

StackSet limits enforced here, from the CloudFormation API reference (botocore's copy of the model gives the
same numbers, and the tests read them from it):
  StackSetOperationPreferences, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html
    MaxConcurrentPercentage 1 to 100, FailureTolerancePercentage 0 to 100;
  CreateStackInstances, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html
    at most 50 OUs; OU and root id patterns (OrganizationalUnitId);
  ListStackInstances filters, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceFilter.html
    LAST_OPERATION_ID; StackInstanceComprehensiveStatus DetailedStatus values;
  DescribeStackSetOperation, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationStatusDetails.html
    Status and StatusDetails.FailedStackInstancesCount.
"""

import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import textwrap
import time
import unittest

import regex

import cfn_eval as cfn
import templates as t

ROLLOUT = os.path.join(t.ROOT, "deploy", "organization", "rollout")
MANAGEMENT = "111111111111"
DELEGATED_ADMIN = "222222222222"
BUCKET = "stalekeys-org-artifacts-artifactbucket-abc123"

STUB = textwrap.dedent('''\
    #!/usr/bin/env python3
    import json, os, shutil, sys
    args = sys.argv[1:]
    with open(os.environ["STUB_LOG"], "a") as log:
        log.write(json.dumps(args + ["@region=" + os.environ.get("AWS_REGION", "")]) + "\\n")
    joined = " ".join(args)
    def answer(text):
        print(text)
        sys.exit(0)
    if args[:2] == ["sts", "get-caller-identity"]:
        answer(os.environ["STUB_ACCOUNT"])
    if args[:2] == ["organizations", "describe-organization"]:
        answer("o-exampleorg1" if "Organization.Id" in joined else "111111111111")
    if args[:2] == ["organizations", "list-roots"]:
        answer("r-ab12")
    if args[:2] == ["organizations", "describe-organizational-unit"]:
        ou = args[args.index("--organizational-unit-id") + 1]
        if ou in os.environ.get("STUB_UNKNOWN_OUS", "").split(","):
            sys.stderr.write("\\nAn error occurred (OrganizationalUnitNotFoundException) when calling the "
                             "DescribeOrganizationalUnit operation: You specified an organizational unit that "
                             "doesn't exist.\\n")
            sys.exit(254)
        answer(ou)
    if args[:2] == ["cloudformation", "describe-stacks"]:
        answer(os.environ["STUB_BUCKET"])
    if args[:2] == ["s3api", "head-object"]:
        sys.exit(255)
    if args[:2] == ["s3", "cp"]:
        shutil.copy(args[2], os.path.join(os.environ["STUB_UPLOADS"], args[3].rsplit("/", 1)[1]))
        sys.exit(0)
    if args[:2] == ["cloudformation", "describe-stack-set"]:
        sys.exit(0 if os.environ.get("STUB_STACKSET_EXISTS") else 255)
    if args[:2] in (["cloudformation", "create-stack-instances"], ["cloudformation", "update-stack-set"]):
        answer("op-" + args[1])
    # STUB_OPERATION: a JSON list of [status, failed count, [instance statuses]], one per poll of an
    # operation (the last one repeats); list-stack-instances answers the instances of the latest poll.
    steps = json.loads(os.environ.get("STUB_OPERATION") or '[["SUCCEEDED", null, []]]')
    state = os.environ["STUB_LOG"] + ".polls"
    if args[:2] == ["cloudformation", "describe-stack-set-operation"]:
        polls = (int(open(state).read()) if os.path.exists(state) else 0) + 1
        open(state, "w").write(str(polls))
        status, failed, _ = steps[min(polls, len(steps)) - 1]
        answer("%s\t%s" % (status, "None" if failed is None else failed))
    if args[:2] == ["cloudformation", "list-stack-instances"]:
        polls = int(open(state).read()) if os.path.exists(state) else 1
        answer("\t".join(steps[min(polls, len(steps)) - 1][2]))
    if args[:2] == ["cloudformation", "list-stack-set-operation-results"]:
        answer("333333333333\tFAILED\tNo configuration recorder is available")
    sys.exit(0)
    ''')

# Arguments that pass every check: the cases below change one thing.
GOOD = ["--targets", "r-ab12", "--region", "eu-west-1"]
NOTHING_CHANGED = "nothing was called in AWS and nothing was changed"


class RolloutTest(unittest.TestCase):

    def run_rollout(self, *options, account=MANAGEMENT, stackset_exists=False, operation=None, rollout=ROLLOUT,
                    work_dir=True, cwd=None, env_extra=None):
        scratch = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", scratch]))
        bin_dir = os.path.join(scratch, "bin")
        uploads = os.path.join(scratch, "uploads")
        os.makedirs(bin_dir)
        os.makedirs(uploads)
        stub = os.path.join(bin_dir, "aws")
        with open(stub, "w", encoding="utf-8") as handle:
            handle.write(STUB)
        os.chmod(stub, os.stat(stub).st_mode | stat.S_IEXEC)
        log = os.path.join(scratch, "calls.jsonl")
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], STUB_LOG=log, STUB_ACCOUNT=account,
                   STUB_BUCKET=BUCKET, STUB_UPLOADS=uploads)
        if stackset_exists:
            env["STUB_STACKSET_EXISTS"] = "1"
        if operation is not None:
            env["STUB_OPERATION"] = json.dumps(operation)
        env.update(env_extra or {})
        work = os.path.join(scratch, "work")
        result = subprocess.run([rollout] + (["--work-dir", work] if work_dir else []) + list(options), env=env,
                                capture_output=True, text=True, timeout=300, cwd=cwd or scratch)
        calls = []
        if os.path.exists(log):
            with open(log, encoding="utf-8") as handle:
                calls = [json.loads(line) for line in handle]
        self.regions = {call.pop() for call in calls}
        return result, calls, uploads, work

    @staticmethod
    def find(calls, *command):
        return [call for call in calls if call[: len(command)] == list(command)]

    @staticmethod
    def option(call, name):
        return call[call.index(name) + 1]

    def test_first_rollout_creates_a_service_managed_stackset_with_automatic_deployment(self):
        result, calls, uploads, work = self.run_rollout("--targets", "r-ab12", "--region", "eu-west-1",
                                                        "--parameter", "AutomaticRemediation=true")
        self.assertEqual(result.returncode, 0, result.stderr)

        (create,) = self.find(calls, "cloudformation", "create-stack-set")
        self.assertEqual(self.option(create, "--stack-set-name"), "StaleKeys-organization")
        self.assertEqual(self.option(create, "--permission-model"), "SERVICE_MANAGED")
        # New accounts get the stack; accounts that leave the organization or the OUs lose it.
        self.assertEqual(self.option(create, "--auto-deployment"), "Enabled=true,RetainStacksOnAccountRemoval=false")
        self.assertEqual(self.option(create, "--call-as"), "SELF")
        self.assertIn("CAPABILITY_NAMED_IAM", create)
        url = self.option(create, "--template-url")
        with open(os.path.join(work, "member.json"), "rb") as handle:
            generated = handle.read()
        self.assertEqual(url, "https://%s.s3.eu-west-1.amazonaws.com/stale-keys/member-%s.json"
                         % (BUCKET, hashlib.sha256(generated).hexdigest()))
        with open(os.path.join(uploads, url.rsplit("/", 1)[1]), "rb") as handle:
            self.assertEqual(handle.read(), generated, "the StackSet runs the template the generator wrote")
        self.assertEqual(json.loads(generated)["Parameters"]["AutomaticRemediation"]["Default"], "true")

        (instances,) = self.find(calls, "cloudformation", "create-stack-instances")
        self.assertEqual(self.option(instances, "--deployment-targets"), "OrganizationalUnitIds=r-ab12")
        self.assertEqual(self.option(instances, "--regions"), "eu-west-1")
        self.assertIn("FailureTolerancePercentage=10", self.option(instances, "--operation-preferences"))

        # Each function's package is uploaded under the key its template names, before the StackSet exists.
        codes = [res["Properties"]["Code"] for res in t.resources_of(json.loads(generated), "AWS::Lambda::Function").values()]
        copies = self.find(calls, "s3", "cp")
        self.assertEqual(len(codes), 2)
        for code in codes:
            self.assertEqual(code["S3Bucket"], BUCKET)
            (upload,) = [c for c in copies if c[3] == "s3://%s/%s" % (BUCKET, code["S3Key"])]
            self.assertLess(calls.index(upload), calls.index(create))
        aggregator = [c for c in self.find(calls, "cloudformation", "deploy")
                      if self.option(c, "--stack-name") == "StaleKeys-org-aggregator"]
        self.assertEqual(len(aggregator), 1)
        self.assertFalse(self.find(calls, "cloudformation", "update-stack-set"))
        # Lambda reads code only from a bucket "in the same AWS Region as your function" (Lambda API reference,
        # FunctionCode): the bucket, the StackSet and its instances are all in the one region given.
        self.assertEqual(self.regions, {"@region=eu-west-1"})

    def test_a_second_rollout_updates_the_stackset(self):
        result, calls, _, _ = self.run_rollout("--targets", "ou-ab12-abcdefgh", "--region", "eu-west-1",
                                               stackset_exists=True, account=DELEGATED_ADMIN)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse(self.find(calls, "cloudformation", "create-stack-set"))
        (update,) = self.find(calls, "cloudformation", "update-stack-set")
        self.assertTrue(self.option(update, "--template-url").startswith("https://%s.s3.eu-west-1" % BUCKET))

    def test_a_delegated_administrator_acts_as_one(self):
        result, calls, _, _ = self.run_rollout("--targets", "r-ab12", "--region", "eu-west-1", account=DELEGATED_ADMIN)
        self.assertEqual(result.returncode, 0, result.stderr)
        stackset_calls = [c for c in calls if c[0] == "cloudformation" and "stack-set" in c[1] or
                          c[:2] == ["cloudformation", "create-stack-instances"]]
        self.assertTrue(stackset_calls)
        for call in stackset_calls:
            self.assertEqual(self.option(call, "--call-as"), "DELEGATED_ADMIN", call)

    def test_the_management_accounts_own_stack_only_from_the_management_account(self):
        result, calls, _, _ = self.run_rollout("--targets", "r-ab12", "--region", "eu-west-1",
                                               "--include-management-account", account=DELEGATED_ADMIN)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--include-management-account needs credentials of the management account", result.stderr)
        self.assertFalse(self.find(calls, "cloudformation", "create-stack-set"))

        result, calls, _, _ = self.run_rollout("--targets", "r-ab12", "--region", "eu-west-1",
                                               "--include-management-account")
        self.assertEqual(result.returncode, 0, result.stderr)
        member = [c for c in self.find(calls, "cloudformation", "deploy") if self.option(c, "--stack-name") == "StaleKeys-member"]
        self.assertEqual(len(member), 1)

    def test_targets_outside_the_organization_stop_it_before_any_change(self):
        # DescribeOrganizationalUnit answers OrganizationalUnitNotFoundException for an OU that does not exist
        # (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganizationalUnit.html);
        # ListRoots gives the organization's one root
        # (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html).
        result, calls, _, work = self.run_rollout(
            "--targets", "r-zz99,ou-ab12-11111111,ou-ab12-22222222", "--region", "eu-west-1",
            env_extra={"STUB_UNKNOWN_OUS": "ou-ab12-22222222"})
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("r-zz99", result.stderr)
        self.assertIn("ou-ab12-22222222", result.stderr)
        self.assertIn("OrganizationalUnitNotFoundException", result.stderr)
        self.assertNotIn("ou-ab12-11111111", result.stderr, "only the targets that are wrong are named")
        self.assertIn("nothing was changed", result.stderr)
        self.assertEqual({tuple(c[:2]) for c in calls}, {
            ("sts", "get-caller-identity"), ("organizations", "describe-organization"),
            ("organizations", "list-roots"), ("organizations", "describe-organizational-unit")},
            "reads only: nothing deployed, uploaded or created")
        self.assertFalse(os.path.exists(os.path.join(work, "member.json")))

        result, calls, _, _ = self.run_rollout("--targets", "r-ab12,ou-ab12-11111111", "--region", "eu-west-1")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(self.find(calls, "organizations", "describe-organizational-unit")), 1)

    def assert_refused_before_any_call(self, options, named, **kwargs):
        result, calls, _, work = self.run_rollout(*options, **kwargs)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn(named, result.stderr)
        self.assertIn(NOTHING_CHANGED, result.stderr)
        self.assertEqual(calls, [], "no AWS call before every check passed")
        self.assertFalse(os.path.exists(os.path.join(work, "member.json")))
        return result

    def test_bad_options_stop_it_before_any_aws_call(self):
        cases = {
            "targets": (["--targets", "123456789012", "--region", "eu-west-1"], "--targets"),
            "targets with a trailing comma": (["--targets", "r-ab12,", "--region", "eu-west-1"], "--targets"),
            "region": (["--targets", "r-ab12", "--region", "Europe"], "--region"),
            "prefix": (GOOD + ["--prefix", "9lives"], "--prefix"),
            "missing targets": (["--region", "eu-west-1"], "--targets is required"),
            "missing region": (["--targets", "r-ab12"], "--region is required"),
            # CreateStackInstances API reference: at most 50 OUs per call.
            "51 OUs": (["--targets", ",".join("ou-ab12-%08d" % n for n in range(51)), "--region", "eu-west-1"],
                       "at most 50 OUs"),
            "poll interval": (GOOD + ["--poll-seconds", "0"], "--poll-seconds"),
            "timeout": (GOOD + ["--timeout-seconds", "soon"], "--timeout-seconds"),
            "not Name=Value": (GOOD + ["--parameter", "AutomaticRemediation"], "AutomaticRemediation"),
            "the prefix as a parameter": (GOOD + ["--parameter", "ResourcePrefix=Other"], "give it as --prefix"),
        }
        for case, (options, named) in cases.items():
            with self.subTest(case=case):
                self.assert_refused_before_any_call(options, named)

    def test_wrong_usage_stops_it_before_any_check_or_call(self):
        for options, named in (([*GOOD, "--force"], "unknown option --force"),
                               ([*GOOD, "--prefix"], "--prefix needs a value"),
                               (["--targets", "--region", "eu-west-1"], "--targets needs a value")):
            with self.subTest(options=options):
                result, calls, _, _ = self.run_rollout(*options)
                self.assertEqual(result.returncode, 2)
                self.assertIn(named, result.stderr)
                self.assertIn("--help", result.stderr)
                self.assertEqual(calls, [])

    def test_bad_template_parameters_stop_it_before_any_aws_call(self):
        # What the issue found reaching sts, organizations and the artifacts stack, and what CloudFormation's
        # parameter validation would refuse later (template.yaml's constraints).
        cases = {
            "cross-account role": ("ExecutionRoleName=foo", "--parameter ExecutionRoleName"),
            "cross-account organization": ("OrganizationId=o-abcdefghij", "--parameter OrganizationId"),
            "not a number": ("MaxAccessKeyAgeDays=abc", "--parameter MaxAccessKeyAgeDays=abc: a whole number"),
            "not a whole number": ("WarningDays=1.5", "--parameter WarningDays=1.5: a whole number"),
            "nan": ("MaxAccessKeyAgeDays=nan", "--parameter MaxAccessKeyAgeDays=nan"),
            "out of range": ("MaxAccessKeyAgeDays=3651", "--parameter MaxAccessKeyAgeDays=3651: allowed range is 1 to 3650"),
            "unknown parameter": ("NoSuchParam=1", "--parameter NoSuchParam=1: template.yaml has no parameter NoSuchParam"),
            "not an allowed value": ("AutomaticRemediation=maybe", "--parameter AutomaticRemediation=maybe: allowed values"),
            "too long": ("ExemptUsers=" + "a" * 257, "at most 256 characters"),
            # \p{L} in the pattern: a Java regex, which Python's re cannot read.
            "tag key pattern": ("ExemptionTagKey=no,commas", "--parameter ExemptionTagKey=no,commas: An IAM tag key"),
        }
        for case, (parameter, named) in cases.items():
            with self.subTest(case=case):
                self.assert_refused_before_any_call(GOOD + ["--parameter", parameter], named)
        for case in ("cross-account role", "not a number", "unknown parameter"):
            with self.subTest(case=case, dry_run=True):
                self.assert_refused_before_any_call(GOOD + ["--parameter", cases[case][0], "--dry-run"], cases[case][1])

    def test_every_problem_is_named_at_once(self):
        result = self.assert_refused_before_any_call(
            GOOD + ["--prefix", "awsStale", "--max-concurrent-percentage", "0", "--parameter", "ExecutionRoleName=foo",
                    "--parameter", "MaxAccessKeyAgeDays=abc", "--parameter", "NoSuchParam=1"], "--prefix")
        for named in ("--prefix 'awsStale'", "--max-concurrent-percentage", "ExecutionRoleName", "MaxAccessKeyAgeDays=abc",
                      "NoSuchParam=1"):
            self.assertIn(named, result.stderr)
        self.assertEqual(len([line for line in result.stderr.splitlines() if line.startswith("rollout: ")]), 6)

    def test_a_reserved_prefix_is_refused_in_words_not_with_the_pattern(self):
        # SSM CreateDocument reserves aws, amazon, amzn (any case) as document name prefixes; template.yaml's
        # ResourcePrefix pattern (about 400 characters) encodes that, the message says it.
        pattern = t.parse(t.SAM_TEMPLATE)["Parameters"]["ResourcePrefix"]["AllowedPattern"]
        for prefix in ("awsStale", "AWS", "Amazon-keys", "amzn1", "AmZn"):
            with self.subTest(prefix=prefix):
                self.assertIsNone(regex.fullmatch(pattern, prefix), "the template refuses it too")
                result = self.assert_refused_before_any_call(GOOD + ["--prefix", prefix], "--prefix '%s'" % prefix)
                self.assertIn("aws, amazon or amzn", result.stderr)
                self.assertNotIn(pattern[:20], result.stderr)
                self.assertTrue(all(len(line) < 200 for line in result.stderr.splitlines()), result.stderr)
        for prefix in ("aw", "Amz", "amazo-keys"):
            with self.subTest(prefix=prefix):
                self.assertIsNotNone(regex.fullmatch(pattern, prefix), "the template accepts it")
                result, calls, _, _ = self.run_rollout(*GOOD, "--prefix", prefix, "--dry-run")
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("StackSet %s-organization" % prefix, result.stdout)

    def test_operation_percentages_are_refused_outside_the_stacksets_ranges(self):
        # StackSetOperationPreferences (CloudFormation API reference): MaxConcurrentPercentage "Minimum value
        # of 1. Maximum value of 100", FailureTolerancePercentage 0 to 100; read from botocore's model.
        for option, shape in (("--max-concurrent-percentage", "MaxConcurrentPercentage"),
                              ("--failure-tolerance-percentage", "FailureTolerancePercentage")):
            limits = cfn.api_limits("cloudformation", shape)
            for value in (limits["min"] - 1, limits["max"] + 1, "5.5"):
                with self.subTest(option=option, value=value):
                    result = self.assert_refused_before_any_call(GOOD + [option, str(value)], option)
                    self.assertIn("from %d to %d" % (limits["min"], limits["max"]), result.stderr)
        # The bounds themselves are passed on as they are.
        concurrent = cfn.api_limits("cloudformation", "MaxConcurrentPercentage")
        tolerance = cfn.api_limits("cloudformation", "FailureTolerancePercentage")
        for max_concurrent, failure_tolerance in ((concurrent["min"], tolerance["max"]),
                                                  (concurrent["max"], tolerance["min"])):
            with self.subTest(max_concurrent=max_concurrent, failure_tolerance=failure_tolerance):
                result, calls, _, _ = self.run_rollout(*GOOD, "--max-concurrent-percentage", str(max_concurrent),
                                                       "--failure-tolerance-percentage", str(failure_tolerance))
                self.assertEqual(result.returncode, 0, result.stderr)
                (instances,) = self.find(calls, "cloudformation", "create-stack-instances")
                self.assertEqual(self.option(instances, "--operation-preferences"),
                                 "FailureTolerancePercentage=%d,MaxConcurrentPercentage=%d,"
                                 "ConcurrencyMode=SOFT_FAILURE_TOLERANCE" % (failure_tolerance, max_concurrent))

    def test_an_unbuilt_clone_is_refused_with_the_build_command_before_any_aws_call(self):
        clone = self.unbuilt_clone()
        result = self.assert_refused_before_any_call(
            GOOD, "scripts/package", rollout=os.path.join(clone, "deploy", "organization", "rollout"))
        self.assertIn("rule-evaluator/target/rule-evaluator-lambda.zip is not built", result.stderr)
        self.assertIn("remediation/target/remediation-lambda.zip is not built", result.stderr)

    def test_help_works_without_a_build_and_calls_nothing(self):
        clone = self.unbuilt_clone()
        for command in ([os.path.join(clone, "deploy", "organization", "rollout"), "--help"],
                        [os.path.join(clone, "deploy", "organization", "rollout"), "-h"],
                        ["python3", os.path.join(clone, "deploy", "organization", "member_template.py"), "--help"]):
            with self.subTest(command=command[-2:]):
                result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=clone)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("usage:", result.stdout)
                self.assertIn("--dry-run" if "rollout" in command[0] else "--check", result.stdout)
                self.assertEqual(result.stderr, "")
        result, calls, _, _ = self.run_rollout("--help", rollout=os.path.join(clone, "deploy", "organization", "rollout"))
        self.assertEqual((result.returncode, calls), (0, []))

    def unbuilt_clone(self):
        """The files the rollout reads, without the built packages (a fresh clone before mvn package)."""
        clone = tempfile.mkdtemp()
        self.addCleanup(lambda: shutil.rmtree(clone, ignore_errors=True))
        shutil.copytree(os.path.join(t.ROOT, "deploy", "organization"), os.path.join(clone, "deploy", "organization"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(os.path.join(t.ROOT, "ssm-documents"), os.path.join(clone, "ssm-documents"),
                        ignore=shutil.ignore_patterns("node_modules"))
        shutil.copy(t.SAM_TEMPLATE, clone)
        return clone

    def test_a_dry_run_calls_nothing_needs_no_credentials_and_prints_the_plan(self):
        no_credentials = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
                          "AWS_PROFILE": "no-such-profile", "AWS_CONFIG_FILE": "/nonexistent",
                          "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
        result, calls, _, work = self.run_rollout(
            "--targets", "r-ab12,ou-ab12-abcdefgh", "--region", "eu-west-1", "--prefix", "Keys", "--dry-run",
            "--parameter", "AutomaticRemediation=true", "--parameter", "MaxAccessKeyAgeDays=120",
            "--include-management-account", env_extra=no_credentials)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(calls, [])
        self.assertFalse(os.path.exists(os.path.join(work, "member.json")), "only the dry-run template is written")
        out = result.stdout
        self.assertIn("Nothing was called in AWS, nothing was changed", out)
        for expected in ("stack Keys-org-artifacts", "StackSet Keys-organization", "stack Keys-member",
                         "stack Keys-org-aggregator", "Config aggregator", "every account under r-ab12,ou-ab12-abcdefgh",
                         "region eu-west-1", "MaxConcurrentPercentage=25", "FailureTolerancePercentage=10",
                         "RetainStacksOnAccountRemoval=false", "aws sts get-caller-identity"):
            self.assertIn(expected, out)
        listed = out[out.index("Its parameters"):out.index("Lambda packages")]
        parameters = dict(re.findall(r"(?m)^ {6}(\w+) +(\S+)", listed))
        self.assertEqual(parameters["AutomaticRemediation"], "true")
        self.assertEqual(parameters["MaxAccessKeyAgeDays"], "120")
        self.assertEqual(parameters["ResourcePrefix"], "Keys")
        self.assertEqual(parameters["RemediationDryRun"], "false", "defaults are shown too")
        self.assertNotIn("ExecutionRoleName", parameters)
        # The plan is the member template the real run would deploy (but for the bucket's name).
        with open(os.path.join(work, "member.dry-run.json"), encoding="utf-8") as handle:
            template = json.load(handle)
        self.assertEqual(set(parameters), set(template["Parameters"]))
        self.assertIn("(%d resources" % len(template["Resources"]), out)
        for code in (f["Properties"]["Code"] for f in t.resources_of(template, "AWS::Lambda::Function").values()):
            self.assertIn(code["S3Key"], out)
        for path in ("rule-evaluator/target/rule-evaluator-lambda.zip", "remediation/target/remediation-lambda.zip"):
            with open(os.path.join(t.ROOT, path), "rb") as handle:
                self.assertIn("-%s.zip  (%s)" % (hashlib.sha256(handle.read()).hexdigest(), path), out)

    def test_a_relative_work_dir_is_the_callers_not_the_repositorys(self):
        scratch = tempfile.mkdtemp()
        self.addCleanup(lambda: shutil.rmtree(scratch, ignore_errors=True))
        result, _, _, _ = self.run_rollout(*GOOD, "--dry-run", "--work-dir", "out", work_dir=False, cwd=scratch)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(os.path.isfile(os.path.join(scratch, "out", "member.dry-run.json")))

    def test_progress_is_printed_while_an_operation_runs(self):
        operation = [["QUEUED", None, []],
                     ["RUNNING", 0, ["PENDING", "PENDING", "RUNNING"]],
                     ["RUNNING", 1, ["SUCCEEDED", "FAILED", "RUNNING"]],
                     ["SUCCEEDED", 1, ["SUCCEEDED", "FAILED", "SUCCEEDED"]]]
        result, calls, _, _ = self.run_rollout(*GOOD, "--poll-seconds", "1", operation=operation,
                                               account=DELEGATED_ADMIN)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("operation ")]
        self.assertEqual([re.sub(r"  \[\d+m\d\ds\]$", "", line) for line in lines], [
            "operation op-create-stack-instances: QUEUED, instances: no instance yet",
            "operation op-create-stack-instances: RUNNING, instances: 2 PENDING, 1 RUNNING (0 failed)",
            "operation op-create-stack-instances: RUNNING, instances: 1 FAILED, 1 RUNNING, 1 SUCCEEDED (1 failed)",
            "operation op-create-stack-instances: SUCCEEDED, instances: 1 FAILED, 2 SUCCEEDED (1 failed)"])
        self.assertRegex(lines[0], r"\[0m\d\ds\]$", "the time waited so far")
        listings = self.find(calls, "cloudformation", "list-stack-instances")
        self.assertEqual(len(listings), 4)
        for listing in listings:
            # ListStackInstances filter LAST_OPERATION_ID: the instances this operation acts on.
            self.assertEqual(self.option(listing, "--filters"), "Name=LAST_OPERATION_ID,Values=op-create-stack-instances")
            self.assertEqual(self.option(listing, "--call-as"), "DELEGATED_ADMIN")
            self.assertEqual(self.option(listing, "--stack-set-name"), "StaleKeys-organization")
        self.assertEqual(len(self.find(calls, "cloudformation", "describe-stack-set-operation")), 4)

    def test_a_wait_that_times_out_says_what_to_run_to_keep_watching(self):
        started = time.monotonic()
        result, calls, _, _ = self.run_rollout(*GOOD, "--poll-seconds", "1", "--timeout-seconds", "2",
                                               stackset_exists=True, operation=[["RUNNING", 0, ["RUNNING"]]])
        self.assertLess(time.monotonic() - started, 60)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("stopped waiting for operation op-update-stack-set of the StackSet StaleKeys-organization "
                      "(--timeout-seconds 2 reached); it goes on in AWS", result.stderr)
        self.assertIn("aws cloudformation describe-stack-set-operation --stack-set-name StaleKeys-organization "
                      "--operation-id op-update-stack-set --call-as SELF --region eu-west-1", result.stderr)
        self.assertIn("aws cloudformation list-stack-instances --stack-set-name StaleKeys-organization --call-as SELF "
                      "--region eu-west-1 --filters Name=LAST_OPERATION_ID,Values=op-update-stack-set", result.stderr)
        self.assertIn("run the same rollout command again", result.stderr)
        # Nothing after the operation it stopped waiting for.
        self.assertFalse(self.find(calls, "cloudformation", "create-stack-instances"))
        self.assertFalse(self.find(calls, "cloudformation", "deploy", "--stack-name", "StaleKeys-org-aggregator"))

    def test_a_failed_operation_names_the_accounts_and_stops(self):
        result, calls, _, _ = self.run_rollout(*GOOD, "--poll-seconds", "1",
                                               operation=[["FAILED", 1, ["SUCCEEDED", "FAILED"]]])
        self.assertEqual(result.returncode, 1)
        self.assertIn("333333333333\tFAILED\tNo configuration recorder is available", result.stderr)
        self.assertIn("operation op-create-stack-instances of StaleKeys-organization ended FAILED", result.stderr)
        (results,) = self.find(calls, "cloudformation", "list-stack-set-operation-results")
        self.assertEqual(self.option(results, "--operation-id"), "op-create-stack-instances")
        aggregator = [c for c in self.find(calls, "cloudformation", "deploy")
                      if self.option(c, "--stack-name") == "StaleKeys-org-aggregator"]
        self.assertEqual(aggregator, [])

    def test_an_interrupted_wait_says_what_to_run_to_keep_watching(self):
        scratch = tempfile.mkdtemp()
        self.addCleanup(lambda: shutil.rmtree(scratch, ignore_errors=True))
        bin_dir = os.path.join(scratch, "bin")
        os.makedirs(bin_dir)
        with open(os.path.join(bin_dir, "aws"), "w", encoding="utf-8") as handle:
            handle.write(STUB)
        os.chmod(os.path.join(bin_dir, "aws"), 0o755)
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], STUB_LOG=os.path.join(scratch, "log"),
                   STUB_ACCOUNT=MANAGEMENT, STUB_BUCKET=BUCKET, STUB_UPLOADS=scratch,
                   STUB_OPERATION=json.dumps([["RUNNING", 0, ["RUNNING"]]]))
        process = subprocess.Popen([ROLLOUT, *GOOD, "--work-dir", os.path.join(scratch, "work"), "--poll-seconds", "1"],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not os.path.exists(env["STUB_LOG"] + ".polls"):
            time.sleep(0.2)
        time.sleep(1)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole process group
        stdout, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 130, stderr)
        self.assertIn("stopped waiting for operation op-create-stack-instances", stderr)
        self.assertIn("(interrupted); it goes on in AWS", stderr)
        self.assertIn("aws cloudformation describe-stack-set-operation", stderr)


if __name__ == "__main__":
    unittest.main()
