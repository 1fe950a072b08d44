"""deploy/organization/rollout, run against a recording stand-in for the AWS CLI (no AWS account here).

    python3 -m unittest discover -s deploy/checks

The stand-in answers the few read calls the script makes and records every call, so these tests check
what the script asks AWS to do: the StackSet's permission model and automatic deployment, who it acts as,
that the Lambda packages are uploaded under the keys the member template names before any stack uses
them, and that bad options stop it before any call.
"""

import hashlib
import json
import os
import stat
import subprocess
import tempfile
import textwrap
import unittest

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
    if args[:2] == ["cloudformation", "describe-stack-set-operation"]:
        answer("SUCCEEDED")
    sys.exit(0)
    ''')


class RolloutTest(unittest.TestCase):

    def run_rollout(self, *options, account=MANAGEMENT, stackset_exists=False):
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
        work = os.path.join(scratch, "work")
        result = subprocess.run([ROLLOUT, "--work-dir", work] + list(options), env=env, capture_output=True,
                                text=True, timeout=300)
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

    def test_bad_options_stop_it_before_any_aws_call(self):
        cases = {
            "targets": (["--targets", "123456789012", "--region", "eu-west-1"], "--targets"),
            "region": (["--targets", "r-ab12", "--region", "Europe"], "--region"),
            "prefix": (["--targets", "r-ab12", "--region", "eu-west-1", "--prefix", "9lives"], "--prefix"),
            "missing targets": (["--region", "eu-west-1"], "--targets is required"),
            # CreateStackInstances API reference: at most 50 OUs per call.
            "51 OUs": (["--targets", ",".join("ou-ab12-%08d" % n for n in range(51)), "--region", "eu-west-1"],
                       "at most 50 OUs"),
            "unknown option": (["--targets", "r-ab12", "--region", "eu-west-1", "--force"], "unknown option --force"),
        }
        for case, (options, named) in cases.items():
            with self.subTest(case=case):
                result, calls, _, _ = self.run_rollout(*options)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(named, result.stderr)
                self.assertEqual(calls, [])

    def test_a_bad_template_parameter_stops_it_before_any_stackset_call(self):
        result, calls, _, _ = self.run_rollout("--targets", "r-ab12", "--region", "eu-west-1",
                                               "--parameter", "AutomaticRemediation=maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("AutomaticRemediation=maybe", result.stderr)
        self.assertFalse([c for c in calls if "stack-set" in " ".join(c) or c[:2] == ["s3", "cp"]])


if __name__ == "__main__":
    unittest.main()
