"""Local AWS stand-in for the stale-keys tests: the moto server plus what moto lacks.

Run as ``python3 aws_emulator.py --port N``. It serves moto's WSGI application (the same one
``python -m moto.server`` serves) on 127.0.0.1:N and wraps it in a middleware that adds:

* ``GET /_emulator/health`` and ``POST /_emulator/reset`` (moto state and every extension below).
* A shiftable IAM clock (``POST /_emulator/clock``): moto stamps key creation and last use with
  ``moto.iam.models.utcnow``, so shifting it lets a test create or use a key "200 days ago".
* AWS-shaped IAM user ids (``AIDA...``), the Config resource id of an IAM user.
* Direct seeding of a key's creation and last-use dates, and bulk creation of IAM users and keys, because
  signing one request per key or user is too slow when a test needs thousands of users.
* Counting of every AWS API call (``/_emulator/calls``), so tests can prove the rule stays within
  IAM's fixed rate limits.
* A stateful AWS Config subset: moto's PutEvaluations only accepts TestMode=true and it has no
  GetComplianceDetailsByConfigRule, yet the rule must store results and page through old ones.
  ListDiscoveredResources for IAM users is answered from moto's IAM users, with a switch to act
  as if Config recorded no IAM users.
* Config rules with input parameters (``POST /_emulator/config/rules``), answered by DescribeConfigRules:
  moto's PutConfigRule wants the rule's Lambda function in moto's Lambda, which cannot run here. And
  a switch (``POST /_emulator/config/denied``) that answers chosen Config operations AccessDeniedException,
  as for a role without the permission; ``POST /_emulator/iam/denied`` does the same for IAM operations
  (AccessDenied, HTTP 403, IAM's message naming the action).
* Control over credential report readiness, since moto generates reports instantly and the rule
  has to cope with STARTED / INPROGRESS / ReportExpired.
* IAM paging for ListUsers, ListAccessKeys, ListUserTags and GetAccountAuthorizationDetails with
  Filter=[User] (MaxItems 1..1000, default 100, Marker, IsTruncated): moto returns everything in one
  page, and the product counts its pages.
* One Config store per account: a result token belongs to the account it was issued for (``accountId``,
  moto's default account when omitted), PutEvaluations from another account's credentials is refused
  with InvalidResultTokenException, and each account reads back only its own results.
* Role trust (``POST /_emulator/sts/enforce-trust``): moto's AssumeRole succeeds for any role ARN, even
  one that does not exist. Switched on, AssumeRole is refused (AccessDenied) unless the role exists in
  its account and an unconditioned Allow statement of its trust policy names the caller (its role or
  user ARN, its account id or account root). The caller's own identity policies are not evaluated.
* Fault injection (``POST /_emulator/faults``): a seeded share of AWS calls answered with IAM
  ``Throttling`` / Config ``ThrottlingException``, HTTP 500 or 503, a dropped connection (before or
  after the call took effect) or a delay, so tests can prove the product's retries.
* A per-call latency (``POST /_emulator/latency``, ``{"millis": 40}``): every AWS API call waits that
  long before it is answered, as a round trip from Lambda to IAM or Config would; calls made in
  parallel wait in parallel, so a benchmark shows what concurrency buys.
* Held calls (``POST /_emulator/holds``, ``{"name": "h", "call": "iam:UpdateAccessKey", "nth": 1}``, or a
  pattern such as ``"*"``): the n-th matching call waits, before it takes effect, until ``POST /_emulator/holds/release``; ``POST
  /_emulator/holds/wait`` answers once it is waiting. Tests force an interleaving of concurrent runs with it.
* One-shot triggers (``POST /_emulator/iam/triggers``): delete a user or a key right after the
  n-th call of an operation, i.e. in the middle of a run; and raw key statuses (``Expired``, or
  values no API model knows) through key seeding.

The process exits when stdin reaches EOF, so it never outlives the JVM that started it, and prints
``READY <port>`` once it is serving.
"""

import argparse
import base64
import datetime
import io
import json
import logging
import os
import random
import re
import secrets
import socket
import struct
import sys
import threading
import time
from fnmatch import fnmatchcase
from urllib.parse import parse_qs

from werkzeug.serving import make_server

import moto

# What follows patches moto's internals as they are in this version; scripts/lib/java-home.sh installs exactly
# it (MOTO_VERSION there). Another version may serve subtly different answers, so refuse it by name.
MOTO_VERSION = "5.2.1"
if moto.__version__ != MOTO_VERSION:
    sys.exit(
        f"aws_emulator.py is written against moto {MOTO_VERSION} and found moto {moto.__version__}: "
        f"python3 -m pip install --user 'moto[server]=={MOTO_VERSION}' (scripts/test installs it when missing)"
    )

import moto.iam.models as iam_models
import moto.iam.responses as iam_responses
from moto.core.utils import utcnow as real_utcnow
from moto.iam.exceptions import IAMException
from moto.iam.exceptions import ValidationError as IAMValidationError
from moto.moto_api._internal.models import moto_api_backend
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

CONFIG_TARGET_PREFIX = "StarlingDoveService."
IAM_USER_TYPE = "AWS::IAM::User"
ALLOWED_EVALUATION_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
MAX_EVALUATIONS_PER_CALL = 100
MAX_PAGE = 100

# One lock for all extension state: werkzeug serves requests on many threads.
STATE_LOCK = threading.RLock()


# --------------------------------------------------------------------------------------------
# Clock
# --------------------------------------------------------------------------------------------

CLOCK = {"offset": datetime.timedelta(0)}


def shifted_utcnow():
    """IAM's view of now: moto's naive-UTC now plus the test-controlled offset."""
    return real_utcnow() + CLOCK["offset"]


# Every IAM timestamp (AccessKey.__init__, mark_account_as_visited, user creation, reports)
# looks the name up in this module's globals, so replacing it shifts all of them.
iam_models.utcnow = shifted_utcnow


def realistic_user_ids():
    """Gives IAM users ids shaped like AWS's (AIDA + 17 characters) instead of moto's random
    lowercase ones: the Config resource id of a user is this id and the product relies on it."""
    original_init = iam_models.User.__init__

    def init(self, account_id, *args, **kwargs):
        original_init(self, account_id, *args, **kwargs)
        self.id = iam_models.generate_access_key_id_from_account_id(account_id, prefix="AIDA", total_length=21)

    iam_models.User.__init__ = init


realistic_user_ids()


def set_clock(body):
    offset = body.get("offsetSeconds")
    if not isinstance(offset, int) or isinstance(offset, bool):
        return error_json(400, "ValidationException", "offsetSeconds must be an integer")
    with STATE_LOCK:
        CLOCK["offset"] = datetime.timedelta(seconds=offset)
    return ok_json({"offsetSeconds": offset})


# --------------------------------------------------------------------------------------------
# Access key seeding
# --------------------------------------------------------------------------------------------


def find_access_key(access_key_id):
    for account in list(iam_models.iam_backends.values()):
        for partition_backend in list(account.values()):
            key = partition_backend.access_keys.get(access_key_id)
            if key is not None:
                return key
    return None


def parse_iso_instant(text):
    """ISO-8601 instant -> naive UTC datetime, the form moto stores."""
    parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


def seed_access_key(access_key_id, body):
    key = find_access_key(access_key_id)
    if key is None:
        return error_json(404, "NoSuchEntity", f"The Access Key with id {access_key_id} cannot be found.")
    try:
        create_date = parse_iso_instant(body["createDate"]) if body.get("createDate") else None
        last_used = body.get("lastUsedDate", "omitted")
        last_used_date = parse_iso_instant(last_used) if isinstance(last_used, str) and last_used != "omitted" else None
    except (TypeError, ValueError) as e:
        return error_json(400, "ValidationException", f"bad date: {e}")
    status = body.get("status")
    if status is not None and (not isinstance(status, str) or not status):
        return error_json(400, "ValidationException", "status must be a non-empty string")
    if create_date is not None:
        key.create_date = create_date
    if status is not None:
        key.status = status  # raw: "Expired", or a value no API model knows
    if last_used is None:
        key.last_used = None
    elif last_used_date is not None:
        key.last_used = iam_models.AccessKeyLastUsed(
            timestamp=last_used_date,
            service=body.get("serviceName") or "s3",
            region=body.get("region") or "us-east-1",
        )
    return ok_json({"accessKeyId": access_key_id})


def seed_access_keys(body):
    """Creates access keys straight in moto's backend with their dates (and optionally a raw
    status), as CreateAccessKey plus key seeding would, in one control request: the fast path for
    thousands of keys. Not counted as AWS calls. Answers the ids and secrets in request order."""
    specs = body.get("keys")
    if not isinstance(specs, list) or not all(isinstance(k, dict) for k in specs):
        return error_json(400, "ValidationException", "keys must be a list of objects")
    try:
        backend = iam_models.iam_backends[account_of(body.get("accountId"))]["aws"]
    except ValueError as e:
        return error_json(400, "ValidationException", str(e))
    for spec in specs:
        if spec.get("userName") not in backend.users:
            return error_json(404, "NoSuchEntity", f"The user with name {spec.get('userName')} cannot be found.")
    created = []
    for spec in specs:
        try:
            key = backend.create_access_key(spec["userName"])
        except IAMException as e:
            return error_json(409, type(e).__name__, str(e))
        answer = seed_access_key(key.access_key_id, spec)
        if answer[0] != 200:
            return answer
        created.append({"accessKeyId": key.access_key_id, "secretAccessKey": key.secret_access_key})
    return ok_json({"keys": created})


IAM_USER_NAME = re.compile(r"[\w+=,.@-]{1,64}")
IAM_PATH = re.compile(r"/([\x21-\x7e]{0,510}/)?")


def seed_users(body):
    """Creates IAM users straight in moto's backend, as CreateUser would but without one signed
    request per user (about 3 ms each, so 2,500 users took ~8 s). Not counted as AWS calls."""
    names = body.get("userNames")
    path = body.get("path", "/")
    if not isinstance(names, list) or not all(isinstance(n, str) and IAM_USER_NAME.fullmatch(n) for n in names):
        return error_json(400, "ValidationException", "userNames must be a list of IAM user names")
    if not isinstance(path, str) or not IAM_PATH.fullmatch(path):
        return error_json(400, "ValidationException", "path must start and end with '/'")
    try:
        backend = iam_models.iam_backends[account_of(body.get("accountId"))]["aws"]
    except ValueError as e:
        return error_json(400, "ValidationException", str(e))
    seen, taken = set(), set()
    for name in names:
        if name in seen or name in backend.users:
            taken.add(name)
        seen.add(name)
    taken = sorted(taken)
    if taken:
        return error_json(409, "EntityAlreadyExists", f"users already exist or repeat: {', '.join(taken[:10])}")
    for name in names:
        backend.create_user("us-east-1", name, path)
    return ok_json({"created": len(names)})


# --------------------------------------------------------------------------------------------
# Call counting
# --------------------------------------------------------------------------------------------

CALLS = {}
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


def api_call_name(environ, body):
    """'<service>:<Operation>' for an AWS API request, or None for anything else."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    operation = target.split(".", 1)[-1] if target else None
    if operation is None:
        params = parse_qs(environ.get("QUERY_STRING", ""))
        if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded") and body:
            params.update(parse_qs(body.decode("utf-8", "replace")))
        operation = (params.get("Action") or [None])[0]
    match = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if operation is None and match is not None and match.group(1) == "securityhub":
        # REST-JSON: the operation is the method and path.
        operation = SECURITY_HUB_OPERATIONS.get((environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")))
    if operation is None or match is None:
        return None
    return f"{match.group(1)}:{operation}"


# --------------------------------------------------------------------------------------------
# Security Hub: moto imports and returns findings but does not refuse an account where Security Hub is not
# enabled, as AWS does (InvalidAccessException "... is not subscribed to AWS Security Hub").
SECURITY_HUB_OPERATIONS = {
    ("POST", "/findings/import"): "BatchImportFindings",
    ("POST", "/findings"): "GetFindings",
}


def security_hub_backend(account, region):
    from moto.securityhub.models import securityhub_backends
    return securityhub_backends[account][region]


def security_hub_refusal(environ, call):
    """An InvalidAccessException when Security Hub is not enabled in the caller's account and region."""
    if call not in ("securityhub:BatchImportFindings", "securityhub:GetFindings"):
        return None
    region = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    account = request_account(environ)
    if security_hub_backend(account, region.group(1) if region else "us-east-1").enabled:
        return None
    message = f"Account {account} is not subscribed to AWS Security Hub"
    return 401, "application/json", json.dumps({"Code": "InvalidAccessException", "Message": message}).encode(), {
        "x-amzn-ErrorType": "InvalidAccessException"}


def set_security_hub(body):
    """Enables (or disables) Security Hub in an account and region, as EnableSecurityHub would."""
    backend = security_hub_backend(account_of(body.get("accountId")), body.get("region", "us-east-1"))
    backend.enabled = bool(body.get("enabled", True))
    return ok_json({"enabled": backend.enabled})


def security_hub_findings(query):
    """Every finding moto holds for an account and region (archived ones too), as imported."""
    account = account_of((query.get("accountId") or [None])[0])
    backend = security_hub_backend(account, (query.get("region") or ["us-east-1"])[0])
    return ok_json({"Findings": [finding.as_dict() for finding in backend.findings]})


def count_call(name):
    with STATE_LOCK:
        CALLS[name] = CALLS.get(name, 0) + 1


# --------------------------------------------------------------------------------------------
# AWS Config: result tokens, PutEvaluations, GetComplianceDetailsByConfigRule
# --------------------------------------------------------------------------------------------

CONFIG = {
    "tokens": {},  # result token -> (account id, rule name, token issue time)
    "rules": {},  # (account id, rule name) -> {(resource type, resource id): stored result}
    "faults": [],  # [{"ids": set, "times": remaining calls}]
    "records_iam_users": True,
    "definitions": {},  # (account id, rule name) -> ConfigRule as DescribeConfigRules returns it
    "denied": set(),  # Config operations answered AccessDeniedException
}


class ConfigError(Exception):
    """A Config API error, rendered as the JSON protocol's {"__type", "message"}."""

    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type
        self.message = message


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


ACCOUNT_ID = re.compile(r"[0-9]{12}")


def account_of(value):
    """An account id given to a control endpoint: 12 digits, moto's default account when absent."""
    if value is None:
        return request_account({})
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise ValueError("accountId must be 12 digits")
    return value


def register_result_token(body):
    rule = body.get("configRuleName")
    if not isinstance(rule, str) or not rule:
        return error_json(400, "ValidationException", "configRuleName is required")
    try:
        account = account_of(body.get("accountId"))
    except ValueError as e:
        return error_json(400, "ValidationException", str(e))
    token = base64.urlsafe_b64encode(secrets.token_bytes(48)).decode("ascii")
    with STATE_LOCK:
        CONFIG["tokens"][token] = (account, rule, now_utc())
        CONFIG["rules"].setdefault((account, rule), {})
    return ok_json({"resultToken": token})


def put_rule_definition(body):
    """Creates or replaces a custom Lambda rule with its InputParameters (a JSON string, or absent)."""
    rule = body.get("configRuleName")
    parameters = body.get("inputParameters")
    if not isinstance(rule, str) or not 1 <= len(rule) <= 128:
        return error_json(400, "ValidationException", "configRuleName of 1 to 128 characters is required")
    if parameters is not None and (not isinstance(parameters, str) or not 1 <= len(parameters) <= 1024):
        # PutConfigRule: InputParameters 1..1024 characters (Config API reference).
        return error_json(400, "ValidationException", "inputParameters must be a string of 1 to 1024 characters")
    try:
        account = account_of(body.get("accountId"))
    except ValueError as e:
        return error_json(400, "ValidationException", str(e))
    with STATE_LOCK:
        existing = CONFIG["definitions"].get((account, rule))
        rule_id = existing["ConfigRuleId"] if existing else "config-rule-" + secrets.token_hex(3)
        definition = {
            "ConfigRuleName": rule,
            "ConfigRuleArn": f"arn:aws:config:us-east-1:{account}:config-rule/{rule_id}",
            "ConfigRuleId": rule_id,
            "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": body.get("sourceIdentifier", "")},
            "ConfigRuleState": "ACTIVE",
        }
        if parameters is not None:
            definition["InputParameters"] = parameters
        CONFIG["definitions"][(account, rule)] = definition
    return ok_json(definition)


IAM_DENIED = set()  # IAM operations answered AccessDenied, as for a role without the permission


def set_iam_denied(body):
    operations = body.get("operations")
    if not isinstance(operations, list) or not all(isinstance(o, str) and o for o in operations):
        return error_json(400, "ValidationException", "operations must be a list of IAM operation names")
    with STATE_LOCK:
        IAM_DENIED.clear()
        IAM_DENIED.update(operations)
    return ok_json({"operations": sorted(operations)})


def iam_denial(environ, call):
    """IAM's AccessDenied (query-protocol XML, HTTP 403) for a denied operation, naming the caller and the
    action as IAM does: "User: ARN is not authorized to perform: iam:Action on resource: RESOURCE"."""
    if not call.startswith("iam:"):
        return None
    with STATE_LOCK:
        denied = call[len("iam:"):] in IAM_DENIED
    if not denied:
        return None
    caller = "arn:aws:iam::" + request_account(environ) + ":root"
    body = (
        f'<ErrorResponse xmlns="{IAM_XMLNS}"><Error><Type>Sender</Type><Code>AccessDenied</Code>'
        f"<Message>User: {caller} is not authorized to perform: {call} on resource: *</Message></Error>"
        f"<RequestId>{secrets.token_hex(16)}</RequestId></ErrorResponse>"
    ).encode("utf-8")
    return 403, "text/xml", body


def set_denied(body):
    operations = body.get("operations")
    if not isinstance(operations, list) or not all(isinstance(o, str) and o for o in operations):
        return error_json(400, "ValidationException", "operations must be a list of Config operation names")
    with STATE_LOCK:
        CONFIG["denied"] = set(operations)
    return ok_json({"operations": sorted(operations)})


def moto_has_rule(account, rule):
    from moto.config.models import config_backends

    return any(rule in getattr(b, "config_rules", {}) for b in list(config_backends[account].values()))


def describe_config_rules(request, account):
    """The rules put through /_emulator/config/rules; None (moto answers) for rules only moto holds.

    A name no one holds is NoSuchConfigRuleException, as Config answers (moto 5.2.1 returns an empty list)."""
    names = request.get("ConfigRuleNames") or []
    with STATE_LOCK:
        if not names:
            mine = [d for (a, _), d in CONFIG["definitions"].items() if a == account]
            return {"ConfigRules": sorted(mine, key=lambda d: d["ConfigRuleName"])} if mine else None
        for name in names:
            if (account, name) not in CONFIG["definitions"] and not moto_has_rule(account, name):
                raise ConfigError("NoSuchConfigRuleException",
                                  f"The ConfigRule '{name}' provided in the request is invalid. Please check the configRule name")
        if not all((account, name) in CONFIG["definitions"] for name in names):
            return None
        return {"ConfigRules": [CONFIG["definitions"][(account, name)] for name in names]}


def add_evaluation_fault(body):
    ids = body.get("resourceIds")
    times = body.get("times", 1)
    if not isinstance(ids, list) or not ids or not isinstance(times, int) or times < 1:
        return error_json(400, "ValidationException", "resourceIds (non-empty) and times >= 1 are required")
    with STATE_LOCK:
        CONFIG["faults"].append({"ids": set(ids), "times": times})
    return ok_json({})


def set_recorder(body):
    records = body.get("recordsIamUsers")
    if not isinstance(records, bool):
        return error_json(400, "ValidationException", "recordsIamUsers must be a boolean")
    with STATE_LOCK:
        CONFIG["records_iam_users"] = records
    return ok_json({"recordsIamUsers": records})


def parse_timestamp(value):
    """JSON-protocol timestamps arrive as epoch seconds; accept ISO-8601 too."""
    if isinstance(value, bool):
        raise ValueError("not a timestamp")
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if isinstance(value, str):
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
    raise ValueError("not a timestamp")


def validate_evaluation(evaluation, index):
    where = f"evaluations.{index + 1}"
    if not isinstance(evaluation, dict):
        raise ConfigError("ValidationException", f"{where} must be an object")
    for field, max_length in (("ComplianceResourceType", 256), ("ComplianceResourceId", 768)):
        value = evaluation.get(field)
        if not isinstance(value, str) or not 1 <= len(value) <= max_length:
            raise ConfigError(
                "ValidationException",
                f"Value at '{where}.member.{field}' failed to satisfy constraint: "
                f"Member must not be null and have length between 1 and {max_length}",
            )
    compliance = evaluation.get("ComplianceType")
    if compliance not in ALLOWED_EVALUATION_TYPES:
        raise ConfigError(
            "InvalidParameterValueException",
            f"The ComplianceType {compliance} is not valid for {where}; "
            f"use one of {', '.join(ALLOWED_EVALUATION_TYPES)}",
        )
    if "OrderingTimestamp" not in evaluation:
        raise ConfigError("ValidationException", f"Value null at '{where}.member.orderingTimestamp' must not be null")
    try:
        ordering = parse_timestamp(evaluation["OrderingTimestamp"])
    except (ValueError, OverflowError, OSError):
        raise ConfigError("ValidationException", f"{where}.member.orderingTimestamp is not a timestamp")
    annotation = evaluation.get("Annotation")
    if annotation is not None and (not isinstance(annotation, str) or not 1 <= len(annotation) <= 256):
        raise ConfigError(
            "ValidationException",
            f"Value at '{where}.member.annotation' failed to satisfy constraint: "
            "Member must have length less than or equal to 256 and greater than or equal to 1",
        )
    return ordering


def take_failing_ids(resource_ids):
    """Consumes one use of every armed fault that matches this call; returns the ids to fail."""
    failing = set()
    for fault in CONFIG["faults"]:
        if fault["ids"] & resource_ids:
            failing |= fault["ids"]
            fault["times"] -= 1
    CONFIG["faults"] = [f for f in CONFIG["faults"] if f["times"] > 0]
    return failing


def put_evaluations(request, account):
    evaluations = request.get("Evaluations") or []
    if not isinstance(evaluations, list):
        raise ConfigError("ValidationException", "Evaluations must be a list")
    if len(evaluations) > MAX_EVALUATIONS_PER_CALL:
        raise ConfigError(
            "ValidationException",
            f"Value at 'evaluations' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_EVALUATIONS_PER_CALL}",
        )
    orderings = [validate_evaluation(e, i) for i, e in enumerate(evaluations)]
    token = request.get("ResultToken")
    if not isinstance(token, str) or not token:
        raise ConfigError("ValidationException", "Value null at 'resultToken' must not be null")
    if request.get("TestMode") is True:
        # Real Config validates only; the TESTMODE token convention relies on no token check.
        return {"FailedEvaluations": []}
    with STATE_LOCK:
        # A token is issued to one account's rule: another account's credentials cannot post with it.
        if token not in CONFIG["tokens"] or CONFIG["tokens"][token][0] != account:
            raise ConfigError("InvalidResultTokenException", "The resultToken provided is invalid")
        _, rule, invoked = CONFIG["tokens"][token]
        stored = CONFIG["rules"].setdefault((account, rule), {})
        failing = take_failing_ids({e["ComplianceResourceId"] for e in evaluations})
        failed = []
        recorded = now_utc()
        for evaluation, ordering in zip(evaluations, orderings):
            if evaluation["ComplianceResourceId"] in failing:
                failed.append(evaluation)
                continue
            key = (evaluation["ComplianceResourceType"], evaluation["ComplianceResourceId"])
            previous = stored.get(key)
            if previous is not None and previous["orderingTimestamp"] > ordering:
                continue  # Config keeps the result that is newest by OrderingTimestamp.
            stored[key] = {
                "resourceType": key[0],
                "resourceId": key[1],
                "complianceType": evaluation["ComplianceType"],
                "annotation": evaluation.get("Annotation"),
                "orderingTimestamp": ordering,
                "resultRecordedTime": recorded,
                "configRuleInvokedTime": invoked,
            }
    return {"FailedEvaluations": failed}


def encode_page_token(scope, last_key):
    raw = json.dumps({"scope": scope, "after": list(last_key)}).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_page_token(token, scope):
    """The key after which the next page starts; tokens are bound to the query that made them."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        if decoded["scope"] != scope:
            raise ValueError("token belongs to another query")
        return tuple(decoded["after"])
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise ConfigError("InvalidNextTokenException", "The nextToken provided is invalid")


def page_limit(value):
    if value is None or value == 0:
        return MAX_PAGE
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > MAX_PAGE:
        raise ConfigError("InvalidLimitException", f"Limit must be between 0 and {MAX_PAGE}")
    return value


def paginate(items, key_of, limit, token, scope):
    """Items sorted by key; a page starts after the key in the token, so paging stays stable."""
    items = sorted(items, key=key_of)
    if token:
        after = decode_page_token(token, scope)
        items = [i for i in items if key_of(i) > after]
    page = items[:limit]
    next_token = encode_page_token(scope, key_of(page[-1])) if len(items) > limit else None
    return page, next_token


def rule_exists(account, rule):
    if (account, rule) in CONFIG["rules"] or (account, rule) in CONFIG["definitions"]:
        return True
    from moto.config.models import config_backends

    # Rules created through moto's PutConfigRule in that account count as known too.
    for region_backend in list(config_backends[account].values()):
        if rule in getattr(region_backend, "config_rules", {}):
            return True
    return False


def epoch(moment):
    return moment.timestamp()


def get_compliance_details_by_config_rule(request, account):
    rule = request.get("ConfigRuleName")
    if not isinstance(rule, str) or not rule:
        raise ConfigError("ValidationException", "Value null at 'configRuleName' must not be null")
    types = request.get("ComplianceTypes") or []
    for compliance in types:
        if compliance not in ALLOWED_EVALUATION_TYPES + ("INSUFFICIENT_DATA",):
            raise ConfigError("InvalidParameterValueException", f"The ComplianceType {compliance} is not valid")
    limit = page_limit(request.get("Limit"))
    with STATE_LOCK:
        if not rule_exists(account, rule):
            raise ConfigError("NoSuchConfigRuleException", f"The ConfigRule '{rule}' provided in the request is invalid.")
        results = [r for r in CONFIG["rules"].get((account, rule), {}).values()
                   if not types or r["complianceType"] in types]
        scope = {"rule": rule, "types": sorted(types)}
        page, next_token = paginate(
            results, lambda r: (r["resourceType"], r["resourceId"]), limit, request.get("NextToken"), scope
        )
        response = {"EvaluationResults": [evaluation_result(rule, r) for r in page]}
    if next_token:
        response["NextToken"] = next_token
    return response


def get_compliance_details_by_resource(request, account):
    """Every rule's standing result on one resource, in one page (a resource has a few rules' results)."""
    resource_type, resource_id = request.get("ResourceType"), request.get("ResourceId")
    if not isinstance(resource_type, str) or not resource_type or not isinstance(resource_id, str) or not resource_id:
        raise ConfigError("ValidationException", "ResourceType and ResourceId are required")
    types = request.get("ComplianceTypes") or []
    for compliance in types:
        if compliance not in ALLOWED_EVALUATION_TYPES:
            raise ConfigError("InvalidParameterValueException", f"The ComplianceType {compliance} is not valid")
    with STATE_LOCK:
        results = [evaluation_result(rule, stored)
                   for (owner, rule), held in sorted(CONFIG["rules"].items())
                   if owner == account
                   for stored in [held.get((resource_type, resource_id))]
                   if stored is not None and (not types or stored["complianceType"] in types)]
    return {"EvaluationResults": results}


def evaluation_result(rule, stored):
    result = {
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": rule,
                "ResourceType": stored["resourceType"],
                "ResourceId": stored["resourceId"],
            },
            "OrderingTimestamp": epoch(stored["orderingTimestamp"]),
        },
        "ComplianceType": stored["complianceType"],
        "ResultRecordedTime": epoch(stored["resultRecordedTime"]),
        "ConfigRuleInvokedTime": epoch(stored["configRuleInvokedTime"]),
    }
    if stored["annotation"] is not None:
        result["Annotation"] = stored["annotation"]
    return result


def stored_evaluations_json(query):
    rule = (query.get("configRuleName") or [None])[0]
    if not rule:
        return error_json(400, "ValidationException", "configRuleName query parameter is required")
    try:
        account = account_of((query.get("accountId") or [None])[0])
    except ValueError as e:
        return error_json(400, "ValidationException", str(e))
    with STATE_LOCK:
        stored = sorted(CONFIG["rules"].get((account, rule), {}).values(),
                        key=lambda r: (r["resourceType"], r["resourceId"]))
        body = [
            {
                "resourceType": r["resourceType"],
                "resourceId": r["resourceId"],
                "complianceType": r["complianceType"],
                "annotation": r["annotation"],
                "orderingTimestamp": r["orderingTimestamp"].isoformat().replace("+00:00", "Z"),
                "resultRecordedTime": r["resultRecordedTime"].isoformat().replace("+00:00", "Z"),
            }
            for r in stored
        ]
    return ok_json(body)


# --------------------------------------------------------------------------------------------
# AWS Config: ListDiscoveredResources for IAM users
# --------------------------------------------------------------------------------------------


def request_account(environ):
    """The account moto would serve this request from (see BaseResponse.get_current_account)."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    match = re.search(r"Credential=([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return iam_models.get_account_id_from(match.group(1) if match else "AKIAEXAMPLE")


def list_discovered_iam_users(request, environ):
    ids = request.get("resourceIds") or []
    name = request.get("resourceName")
    if len(ids) > 20:
        raise ConfigError("ValidationException", "resourceIds must have at most 20 members")
    limit = page_limit(request.get("limit"))
    with STATE_LOCK:
        recording = CONFIG["records_iam_users"]
    users = []
    if recording:
        backend = iam_models.iam_backends[request_account(environ)]["aws"]
        users = [
            {"resourceType": IAM_USER_TYPE, "resourceId": u.id, "resourceName": u.name}
            for u in list(backend.users.values())
            if (not ids or u.id in ids) and (not name or u.name == name)
        ]
    scope = {"type": IAM_USER_TYPE, "ids": sorted(ids), "name": name}
    page, next_token = paginate(users, lambda u: (u["resourceId"],), limit, request.get("nextToken"), scope)
    response = {"resourceIdentifiers": page}
    if next_token:
        response["nextToken"] = next_token
    return response


def handle_config_call(operation, body, environ):
    """A Config JSON-protocol response, or None to let moto answer."""
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return error_json(400, "SerializationException", "request body is not JSON")
    try:
        with STATE_LOCK:
            denied = operation in CONFIG["denied"]
        if denied:
            raise ConfigError("AccessDeniedException", f"User is not authorized to perform: config:{operation}")
        if operation == "DescribeConfigRules":
            described = describe_config_rules(request, request_account(environ))
            return None if described is None else ok_json(described, json_protocol=True)
        if operation == "PutEvaluations":
            return ok_json(put_evaluations(request, request_account(environ)), json_protocol=True)
        if operation == "GetComplianceDetailsByConfigRule":
            return ok_json(get_compliance_details_by_config_rule(request, request_account(environ)), json_protocol=True)
        if operation == "GetComplianceDetailsByResource":
            return ok_json(get_compliance_details_by_resource(request, request_account(environ)), json_protocol=True)
        if operation == "ListDiscoveredResources" and request.get("resourceType") == IAM_USER_TYPE:
            return ok_json(list_discovered_iam_users(request, environ), json_protocol=True)
    except ConfigError as e:
        return error_json(400, e.error_type, e.message, json_protocol=True)
    return None


# --------------------------------------------------------------------------------------------
# Credential report readiness
# --------------------------------------------------------------------------------------------

# A generation is polled by GenerateCredentialReport (INPROGRESS) or GetCredentialReport (ReportInProgress):
# both count as report calls, and the report is complete from the ready_after-th report call on.
REPORT = {"ready_after": None, "never_ready": False, "expired_once": False, "report_calls": 0}


class ReportInProgressException(IAMException):
    code = "ReportInProgress"


class ReportExpiredException(IAMException):
    code = "ReportExpired"


def configure_credential_report(body):
    ready_after = body.get("readyAfterReportCalls")
    if ready_after is not None and (not isinstance(ready_after, int) or ready_after < 1):
        return error_json(400, "ValidationException", "readyAfterReportCalls must be >= 1")
    with STATE_LOCK:
        REPORT.update(
            ready_after=ready_after,
            never_ready=body.get("neverReady") is True,
            expired_once=body.get("expiredOnce") is True,
            report_calls=0,
        )
    return ok_json({})


def report_ready():
    if REPORT["never_ready"]:
        return False
    return REPORT["ready_after"] is None or REPORT["report_calls"] >= REPORT["ready_after"]


original_user_csv = iam_models.User.to_csv


def user_csv_with_last_used_sites(self):
    """moto writes not_supported in access_key_N_last_used_region and _service; IAM writes the region and
    service of the key's last use (N/A when none). The user name and ARN may hold commas, the 20 cells after
    them do not: they are counted from the end."""
    line = original_user_csv(self)
    ending = "\n" if line.endswith("\n") else ""
    head, *cells = line[: len(line) - len(ending)].rsplit(",", 20)
    for slot, (region_cell, service_cell) in enumerate(((9, 10), (14, 15))):
        last_used = self.access_keys[slot].last_used if slot < len(self.access_keys) else None
        cells[region_cell] = last_used.region if last_used is not None and last_used.region else "N/A"
        cells[service_cell] = last_used.service if last_used is not None and last_used.service else "N/A"
    return ",".join([head, *cells]) + ending


iam_models.User.to_csv = user_csv_with_last_used_sites


original_generate = iam_responses.IamResponse.generate_credential_report
original_get = iam_responses.IamResponse.get_credential_report


def generate_credential_report(self):
    with STATE_LOCK:
        if REPORT["ready_after"] is None and not REPORT["never_ready"]:
            return original_generate(self)
        REPORT["report_calls"] += 1
        calls = REPORT["report_calls"]
        ready = report_ready()
    self.backend.generate_report()
    if calls == 1:
        state = "STARTED"
    else:
        state = "COMPLETE" if ready else "INPROGRESS"
    result = {"State": state}
    if state == "STARTED":
        result["Description"] = "No report exists. Starting a new report generation task"
    return iam_responses.ActionResult(result)


def get_credential_report(self):
    with STATE_LOCK:
        if REPORT["expired_once"]:
            REPORT["expired_once"] = False
            raise ReportExpiredException("The request was rejected because the most recent credential report has expired.")
        if REPORT["report_calls"] > 0:
            REPORT["report_calls"] += 1
            if not report_ready():
                raise ReportInProgressException("Report generation in progress.")
    result = original_get(self)
    # moto answers a fixed GeneratedTime of 2015; it builds the report's content at this call, from IAM's
    # (shifted) clock, so that instant is the true generation time, which the rule relies on.
    result.result["GeneratedTime"] = shifted_utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    return result


# Patched on moto's IAM response class so errors are rendered by moto's own IAM serializer
# (query-protocol XML, status from the IAM model: ReportInProgress 404, ReportExpired 410).
iam_responses.IamResponse.generate_credential_report = generate_credential_report
iam_responses.IamResponse.get_credential_report = get_credential_report


# --------------------------------------------------------------------------------------------
# IAM paging: ListUsers, ListAccessKeys, ListUserTags, GetAccountAuthorizationDetails (users)
# --------------------------------------------------------------------------------------------

IAM_DEFAULT_MAX_ITEMS = 100
IAM_MAX_ITEMS = 1000


def iam_max_items(response):
    """MaxItems as IAM validates it: 1..1000, 100 when omitted."""
    raw = response._get_param("MaxItems")
    if raw is None:
        return IAM_DEFAULT_MAX_ITEMS
    try:
        if isinstance(raw, bool):
            raise ValueError("not an integer")
        value = int(raw)
    except (TypeError, ValueError):
        raise IAMValidationError(
            f"1 validation error detected: Value '{raw}' at 'maxItems' failed to satisfy constraint: "
            "Member must be an integer"
        )
    if value < 1:
        raise IAMValidationError(
            f"1 validation error detected: Value '{value}' at 'maxItems' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    if value > IAM_MAX_ITEMS:
        raise IAMValidationError(
            f"1 validation error detected: Value '{value}' at 'maxItems' failed to satisfy constraint: "
            f"Member must have value less than or equal to {IAM_MAX_ITEMS}"
        )
    return value


def iam_paginate(response, items, key_of, scope):
    """One IAM page: (items, Marker or None). Items are sorted by key and a page starts after the
    key in the marker, so paging is stable while entries are added or removed between pages; the
    marker is opaque and bound to the operation and filter that issued it."""
    max_items = iam_max_items(response)
    marker = response._get_param("Marker")
    items = sorted(items, key=key_of)
    if marker:
        try:
            after = decode_page_token(marker, scope)
        except ConfigError:
            raise IAMValidationError("Invalid Marker.")
        items = [i for i in items if key_of(i) > after]
    page = items[:max_items]
    next_marker = encode_page_token(scope, key_of(page[-1])) if len(items) > max_items else None
    return page, next_marker


def iam_page_result(name, page, marker):
    result = {name: page}
    result["IsTruncated"] = marker is not None
    if marker is not None:
        result["Marker"] = marker
    return iam_responses.ActionResult(result)


def list_users(self):
    """moto returns every user with IsTruncated=false whatever MaxItems and Marker say."""
    path_prefix = self._get_param("PathPrefix")
    users = list(self.backend.list_users(path_prefix, None, None))
    page, marker = iam_paginate(self, users, lambda u: (u.name,), {"op": "ListUsers", "path": path_prefix or "/"})
    return iam_page_result("Users", page, marker)


def list_access_keys(self):
    """moto ignores MaxItems and Marker and omits IsTruncated. Keys stay in creation order."""
    user_name = self._get_param("UserName")
    if not user_name:
        access_key_id = self.get_access_key()
        user_name = self.backend.get_access_key_last_used(access_key_id)["user_name"]
    keys = self.backend.list_access_keys(user_name)
    page, marker = iam_paginate(
        self,
        keys,
        lambda k: (k.create_date.isoformat(), k.access_key_id),
        {"op": "ListAccessKeys", "user": user_name},
    )
    return iam_page_result("AccessKeyMetadata", page, marker)


def list_user_tags(self):
    """moto returns every tag with IsTruncated=false whatever MaxItems and Marker say."""
    user_name = self._get_param("UserName")
    tags = self.backend.list_user_tags(user_name)
    page, marker = iam_paginate(self, tags, lambda t: (t["Key"],), {"op": "ListUserTags", "user": user_name})
    return iam_page_result("Tags", page, marker)


original_get_account_authorization_details = iam_responses.IamResponse.get_account_authorization_details


def get_account_authorization_details(self):
    """moto answers every entity in one page whatever MaxItems and Marker say. With Filter=[User], the
    one form the product sends, the users are paged as IAM pages them (MaxItems 1..1000, default 100,
    Marker, IsTruncated), each with its tags; any other filter keeps moto's single page."""
    entity_filter = self._get_param("Filter", [])
    if list(entity_filter) != ["User"]:
        return original_get_account_authorization_details(self)
    users = list(self.backend.get_account_authorization_details(["User"])["users"])
    page, marker = iam_paginate(
        self, users, lambda u: (u.name,), {"op": "GetAccountAuthorizationDetails", "filter": "User"}
    )
    result = {"UserDetailList": page, "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    result["IsTruncated"] = marker is not None
    if marker is not None:
        result["Marker"] = marker
    return iam_responses.ActionResult(result)


iam_responses.IamResponse.list_users = list_users
iam_responses.IamResponse.get_account_authorization_details = get_account_authorization_details
iam_responses.IamResponse.list_access_keys = list_access_keys
iam_responses.IamResponse.list_user_tags = list_user_tags


# --------------------------------------------------------------------------------------------
# IAM's quota of 50 tags per user (moto checks only the 50 tags of one request)
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("Tags per IAM user: 50");
# TagUser then fails with LimitExceeded (https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html)
# --------------------------------------------------------------------------------------------

IAM_TAGS_PER_USER = 50


class TagQuotaExceededException(IAMException):
    code = "LimitExceeded"


original_tag_user = iam_responses.IamResponse.tag_user


def tag_user(self):
    user_name = self._get_param("UserName")
    existing = {t["Key"].lower() for t in self.backend.list_user_tags(user_name)}
    added = {t.get("Key", "").lower() for t in self._get_param("Tags", [])}
    if len(existing | added) > IAM_TAGS_PER_USER:
        raise TagQuotaExceededException("Cannot exceed quota for TagsPerUser: %d." % IAM_TAGS_PER_USER)
    return original_tag_user(self)


iam_responses.IamResponse.tag_user = tag_user


# --------------------------------------------------------------------------------------------
# Fault injection
# --------------------------------------------------------------------------------------------

FAULT_KINDS = ("throttle", "http500", "http503", "reset", "reset_after", "delay")
FAULTS = {}


def clear_faults():
    FAULTS.update(rate=0.0, kinds=(), operations=None, rng=None, delay_ms=100, seen=0, injected={}, spared=0)


clear_faults()


def set_faults(body):
    """Arms fault injection: each AWS call matching ``operations`` (fnmatch patterns such as
    ``iam:*``; all calls when omitted) is faulted with probability ``rate``, the kind drawn from
    ``kinds``. A seeded generator makes a sequential run fault the same calls every time."""
    rate = body.get("rate")
    kinds = body.get("kinds") or list(FAULT_KINDS)
    seed = body.get("seed", 0)
    operations = body.get("operations")
    delay_ms = body.get("delayMs", 100)
    spared = body.get("spared", 0)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        return error_json(400, "ValidationException", "rate must be a number in 0..1")
    if not isinstance(kinds, list) or not all(k in FAULT_KINDS for k in kinds):
        return error_json(400, "ValidationException", f"kinds must be a list of {', '.join(FAULT_KINDS)}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        return error_json(400, "ValidationException", "seed must be an integer")
    if operations is not None and (not isinstance(operations, list) or not all(isinstance(o, str) for o in operations)):
        return error_json(400, "ValidationException", "operations must be a list of '<service>:<Operation>' patterns")
    if isinstance(delay_ms, bool) or not isinstance(delay_ms, int) or not 0 <= delay_ms <= 10000:
        return error_json(400, "ValidationException", "delayMs must be an integer in 0..10000")
    if isinstance(spared, bool) or not isinstance(spared, int) or spared < 0:
        return error_json(400, "ValidationException", "spared must be a non-negative integer")
    with STATE_LOCK:
        clear_faults()
        FAULTS.update(rate=float(rate), kinds=tuple(kinds), operations=operations, rng=random.Random(seed),
                      delay_ms=delay_ms, spared=spared)
    return ok_json({"rate": rate, "kinds": kinds, "seed": seed})


def faults_report():
    with STATE_LOCK:
        return ok_json({"seen": FAULTS["seen"], "injected": dict(FAULTS["injected"])})


def draw_fault(call):
    """The fault kind to inflict on this call, or None."""
    with STATE_LOCK:
        if FAULTS["rng"] is None or not FAULTS["kinds"]:
            return None
        if FAULTS["operations"] is not None and not any(fnmatchcase(call, p) for p in FAULTS["operations"]):
            return None
        FAULTS["seen"] += 1
        if FAULTS["seen"] <= FAULTS["spared"]:
            return None
        draw = FAULTS["rng"].random()
        kind = FAULTS["rng"].choice(FAULTS["kinds"])
        if draw >= FAULTS["rate"]:
            return None
        FAULTS["injected"][kind] = FAULTS["injected"].get(kind, 0) + 1
        return kind


IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"


def fault_response(kind, call, json_protocol):
    """(status, content type, body) of an error fault, shaped like the service's own errors."""
    if call.startswith("securityhub:"):
        status, code = {"throttle": (429, "TooManyRequestsException"), "http500": (500, "InternalException"),
                        "http503": (503, "ServiceUnavailableException")}[kind]
        return status, "application/json", json.dumps({"Code": code, "Message": "Rate exceeded"}).encode("utf-8")
    status, code, message = {
        "throttle": (400, "ThrottlingException" if json_protocol else "Throttling", "Rate exceeded"),
        "http500": (500, "InternalFailure", "We encountered an internal error. Please try again."),
        "http503": (503, "ServiceUnavailable", "Service is unavailable. Please try again later."),
    }[kind]
    if json_protocol:
        return status, "application/x-amz-json-1.1", json.dumps({"__type": code, "message": message}).encode("utf-8")
    xmlns = IAM_XMLNS if call.startswith("iam:") else "https://sts.amazonaws.com/doc/2011-06-15/"
    body = (
        f'<ErrorResponse xmlns="{xmlns}"><Error><Type>{"Sender" if status == 400 else "Receiver"}</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{secrets.token_hex(16)}</RequestId></ErrorResponse>"
    ).encode("utf-8")
    return status, "text/xml", body


def drop_connection(environ):
    """Ends the connection without an answer: FIN now, then RST when werkzeug closes the socket.
    Raising a ConnectionError makes werkzeug treat it as a dropped connection and write nothing."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionResetError("fault injected: connection dropped")


# --------------------------------------------------------------------------------------------
# One-shot triggers: change IAM in the middle of a run
# --------------------------------------------------------------------------------------------

TRIGGERS = []


def add_trigger(body):
    """After the n-th call of ``afterCall`` has been answered, delete ``deleteUser`` (its keys
    first, as IAM requires) or ``deleteAccessKey``. Fires once."""
    after = body.get("afterCall")
    nth = body.get("nth", 1)
    user = body.get("deleteUser")
    key = body.get("deleteAccessKey")
    if not isinstance(after, str) or ":" not in after:
        return error_json(400, "ValidationException", "afterCall must be '<service>:<Operation>'")
    if isinstance(nth, bool) or not isinstance(nth, int) or nth < 1:
        return error_json(400, "ValidationException", "nth must be >= 1")
    if (user is None) == (key is None) or not isinstance(user or key, str):
        return error_json(400, "ValidationException", "give exactly one of deleteUser, deleteAccessKey")
    with STATE_LOCK:
        TRIGGERS.append({"after": after, "remaining": nth, "user": user, "key": key})
    return ok_json({})


def fire_triggers(call, environ):
    with STATE_LOCK:
        due = []
        for trigger in TRIGGERS:
            if trigger["after"] == call:
                trigger["remaining"] -= 1
                if trigger["remaining"] == 0:
                    due.append(trigger)
        TRIGGERS[:] = [t for t in TRIGGERS if t["remaining"] > 0]
        if not due:
            return
        backend = iam_models.iam_backends[request_account(environ)]["aws"]
        for trigger in due:
            if trigger["key"] is not None:
                if trigger["key"] in backend.access_keys:
                    backend.delete_access_key_by_name(trigger["key"])
            elif trigger["user"] in backend.users:
                for access_key in list(backend.users[trigger["user"]].access_keys):
                    backend.delete_access_key_by_name(access_key.access_key_id)
                backend.delete_user(trigger["user"])


# --------------------------------------------------------------------------------------------
# Role trust: AssumeRole only where the role's trust policy lets the caller in
# --------------------------------------------------------------------------------------------

TRUST = {"enforced": False}


def set_trust_enforcement(body):
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        return error_json(400, "ValidationException", "enabled must be a boolean")
    with STATE_LOCK:
        TRUST["enforced"] = enabled
    return ok_json({"enabled": enabled})


def caller_arn(environ):
    """(account id, ARN) of the principal that signed the request."""
    match = re.search(r"Credential=([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    access_key_id = match.group(1) if match else ""
    account = request_account(environ)
    key = iam_models.iam_backends[account]["aws"].access_keys.get(access_key_id)
    if key is not None and key.role_arn:
        return account, key.role_arn
    if key is not None and key.user_name:
        return account, f"arn:aws:iam::{account}:user/{key.user_name}"
    return account, f"arn:aws:iam::{account}:root"


def trust_allows(document, account, arn):
    allowed = False
    for statement in document.get("Statement", []):
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(fnmatchcase("sts:AssumeRole", a) for a in actions):
            continue
        principals = statement.get("Principal", {})
        aws = principals.get("AWS", []) if isinstance(principals, dict) else [principals]
        aws = [aws] if isinstance(aws, str) else aws
        named = any(p in ("*", arn, account, f"arn:aws:iam::{account}:root") for p in aws)
        if not named:
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow" and not statement.get("Condition"):
            allowed = True
    return allowed


def refused_assume_role(environ, body):
    """An STS AccessDenied answer when trust is enforced and the role does not let the caller in, else None."""
    if not TRUST["enforced"]:
        return None
    params = parse_qs(body.decode("utf-8", "replace"))
    params.update(parse_qs(environ.get("QUERY_STRING", "")))
    role_arn = (params.get("RoleArn") or [""])[0]
    account, arn = caller_arn(environ)
    target = re.fullmatch(r"arn:aws[a-z-]*:iam::([0-9]{12}):role/(?:.*/)?([\w+=,.@-]+)", role_arn)
    role = None
    if target:
        backend = iam_models.iam_backends[target.group(1)]["aws"]
        role = next((r for r in list(backend.roles.values()) if r.name == target.group(2)), None)
    if role is not None:
        try:
            document = json.loads(role.assume_role_policy_document)
        except (TypeError, ValueError):
            document = {}
        if trust_allows(document, account, arn):
            return None
    message = f"User: {arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        f"<Code>AccessDenied</Code><Message>{message}</Message></Error>"
        f"<RequestId>{secrets.token_hex(16)}</RequestId></ErrorResponse>"
    ).encode("utf-8")
    return 403, "text/xml", body


# --------------------------------------------------------------------------------------------
# Latency
# --------------------------------------------------------------------------------------------

LATENCY = {"millis": 0}


def set_latency(body):
    millis = body.get("millis")
    if isinstance(millis, bool) or not isinstance(millis, int) or not 0 <= millis <= 10000:
        return error_json(400, "ValidationException", "millis must be an integer in 0..10000")
    LATENCY["millis"] = millis
    return ok_json({"millis": millis})


# --------------------------------------------------------------------------------------------
# Held calls: force one interleaving of concurrent runs
# --------------------------------------------------------------------------------------------

HOLDS = {}  # name -> {"call", "remaining", "reached": Event, "released": Event}
HOLD_LIMIT_SECONDS = 60  # a forgotten hold must not hang a test run


def add_hold(body):
    name = body.get("name")
    call = body.get("call")
    nth = body.get("nth", 1)
    if not isinstance(name, str) or not name:
        return error_json(400, "ValidationException", "name must be a non-empty string")
    if not isinstance(call, str) or not call:
        return error_json(400, "ValidationException", "call must be '<service>:<Operation>' or a pattern ('iam:*', '*')")
    if isinstance(nth, bool) or not isinstance(nth, int) or nth < 1:
        return error_json(400, "ValidationException", "nth must be >= 1")
    if name in HOLDS:
        return error_json(400, "ValidationException", f"a hold named {name} exists already")
    HOLDS[name] = {"call": call, "remaining": nth, "reached": threading.Event(), "released": threading.Event()}
    return ok_json({})


def hold_for(call):
    """The hold this call must wait on, if it is the one a hold counts down to."""
    with STATE_LOCK:
        for hold in HOLDS.values():
            if fnmatchcase(call, hold["call"]) and hold["remaining"] > 0:
                hold["remaining"] -= 1
                if hold["remaining"] == 0:
                    return hold
    return None


def wait_for_hold(data):
    """Answers once the named hold's call is waiting, or after timeoutMs (outside the state lock: it blocks)."""
    with STATE_LOCK:
        hold = HOLDS.get(data.get("name"))
    if hold is None:
        return error_json(404, "NotFound", f"no hold named {data.get('name')}")
    millis = data.get("timeoutMs", 10000)
    return ok_json({"reached": hold["reached"].wait(millis / 1000)})


def release_hold(name):
    hold = HOLDS.pop(name, None)
    if hold is None:
        return error_json(404, "NotFound", f"no hold named {name}")
    hold["released"].set()
    return ok_json({})


def release_all_holds():
    for hold in HOLDS.values():
        hold["released"].set()
    HOLDS.clear()


# --------------------------------------------------------------------------------------------
# Reset, HTTP plumbing, main
# --------------------------------------------------------------------------------------------


def reset_everything():
    with STATE_LOCK:
        moto_api_backend.reset()  # what POST /moto-api/reset does
        CLOCK["offset"] = datetime.timedelta(0)
        CALLS.clear()
        CONFIG.update(tokens={}, rules={}, faults=[], records_iam_users=True, definitions={}, denied=set())
        REPORT.update(ready_after=None, never_ready=False, expired_once=False, report_calls=0)
        clear_faults()
        TRIGGERS.clear()
        release_all_holds()
        TRUST["enforced"] = False
        IAM_DENIED.clear()
        LATENCY["millis"] = 0
    return ok_json({"status": "reset"})


def ok_json(payload, json_protocol=False):
    return respond(200, payload, json_protocol)


def error_json(status, error_type, message, json_protocol=False):
    return respond(status, {"__type": error_type, "message": message}, json_protocol)


def respond(status, payload, json_protocol):
    content_type = "application/x-amz-json-1.1" if json_protocol else "application/json"
    return status, content_type, json.dumps(payload).encode("utf-8")


def read_body(environ):
    """Reads the request body and puts it back so moto can read it again."""
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    body = stream.read(int(length)) if length else stream.read() if environ.get("wsgi.input_terminated") else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def control_request(method, path, body, query):
    """Answers /_emulator/* requests: (status, content type, body bytes)."""
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return error_json(400, "ValidationException", "body is not JSON")
    if not isinstance(data, dict):
        data = {}
    routes = {
        ("GET", "/_emulator/health"): lambda: ok_json({"status": "ok"}),
        ("POST", "/_emulator/reset"): reset_everything,
        ("POST", "/_emulator/clock"): lambda: set_clock(data),
        ("GET", "/_emulator/calls"): lambda: ok_json(dict(CALLS)),
        ("DELETE", "/_emulator/calls"): lambda: (CALLS.clear(), ok_json({}))[1],
        ("POST", "/_emulator/config/result-tokens"): lambda: register_result_token(data),
        ("POST", "/_emulator/config/failed-evaluations"): lambda: add_evaluation_fault(data),
        ("POST", "/_emulator/config/recorder"): lambda: set_recorder(data),
        ("POST", "/_emulator/config/rules"): lambda: put_rule_definition(data),
        ("POST", "/_emulator/config/denied"): lambda: set_denied(data),
        ("POST", "/_emulator/iam/denied"): lambda: set_iam_denied(data),
        ("GET", "/_emulator/config/evaluations"): lambda: stored_evaluations_json(query),
        ("POST", "/_emulator/iam/credential-report"): lambda: configure_credential_report(data),
        ("POST", "/_emulator/securityhub"): lambda: set_security_hub(data),
        ("GET", "/_emulator/securityhub/findings"): lambda: security_hub_findings(query),
        ("POST", "/_emulator/iam/users"): lambda: seed_users(data),
        ("POST", "/_emulator/faults"): lambda: set_faults(data),
        ("GET", "/_emulator/faults"): faults_report,
        ("DELETE", "/_emulator/faults"): lambda: (clear_faults(), ok_json({}))[1],
        ("POST", "/_emulator/iam/triggers"): lambda: add_trigger(data),
        ("POST", "/_emulator/iam/access-keys"): lambda: seed_access_keys(data),
        ("POST", "/_emulator/sts/enforce-trust"): lambda: set_trust_enforcement(data),
        ("POST", "/_emulator/latency"): lambda: set_latency(data),
        ("POST", "/_emulator/holds"): lambda: add_hold(data),
        ("POST", "/_emulator/holds/release"): lambda: release_hold(data.get("name")),
    }
    if (method, path) == ("POST", "/_emulator/holds/wait"):
        return wait_for_hold(data)
    route = routes.get((method, path))
    if route is not None:
        with STATE_LOCK:
            return route()
    prefix = "/_emulator/iam/access-keys/"
    if method == "POST" and path.startswith(prefix) and len(path) > len(prefix):
        with STATE_LOCK:
            return seed_access_key(path[len(prefix):], data)
    return error_json(404, "NotFound", f"no emulator endpoint {method} {path}")


class EmulatorMiddleware:
    def __init__(self, moto_app):
        self.moto_app = moto_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        body = read_body(environ)
        if path.startswith("/_emulator/"):
            query = parse_qs(environ.get("QUERY_STRING", ""))
            return self.send(start_response, control_request(environ["REQUEST_METHOD"], path, body, query))
        call = api_call_name(environ, body)
        if call is None:
            return self.answer(environ, start_response, body)
        count_call(call)
        hold = hold_for(call)
        if hold is not None:
            hold["reached"].set()
            hold["released"].wait(HOLD_LIMIT_SECONDS)  # outside the state lock: everything else goes on
        if LATENCY["millis"]:
            time.sleep(LATENCY["millis"] / 1000)  # outside the state lock: parallel calls wait in parallel
        fault = draw_fault(call)
        if fault == "delay":
            time.sleep(FAULTS["delay_ms"] / 1000)
        elif fault == "reset":
            drop_connection(environ)
        elif fault in ("throttle", "http500", "http503"):
            return self.send(start_response, fault_response(fault, call, "HTTP_X_AMZ_TARGET" in environ))
        refusal = security_hub_refusal(environ, call) or iam_denial(environ, call)
        if refusal is not None:
            return self.send(start_response, refusal)
        if call == "sts:AssumeRole":
            refusal = refused_assume_role(environ, body)
            if refusal is not None:
                return self.send(start_response, refusal)
        if fault != "reset_after" and not TRIGGERS:
            return self.answer(environ, start_response, body)
        # Answer in full first, so the call takes effect before the trigger fires or the answer is lost.
        captured = []
        payload = b"".join(self.answer(environ, lambda status, headers, exc_info=None: captured.append(
            (status, headers)) or (lambda data: None), body))
        fire_triggers(call, environ)
        if fault == "reset_after":
            drop_connection(environ)
        start_response(*captured[0])
        return [payload]

    def answer(self, environ, start_response, body):
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(CONFIG_TARGET_PREFIX):
            answer = handle_config_call(target[len(CONFIG_TARGET_PREFIX):], body, environ)
            if answer is not None:
                return self.send(start_response, answer)
        return self.moto_app(environ, start_response)

    @staticmethod
    def send(start_response, answer):
        status, content_type, payload = answer[:3]
        extra = list(answer[3].items()) if len(answer) > 3 else []
        reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests", 404: "Not Found", 500: "Internal Server Error",
                  503: "Service Unavailable"}.get(status, "Error")
        start_response(
            f"{status} {reason}",
            [("Content-Type", content_type), ("Content-Length", str(len(payload))), ("x-amzn-RequestId", secrets.token_hex(16))]
            + extra,
        )
        return [payload]


def exit_when_stdin_closes():
    """The parent JVM holds our stdin; EOF means it is gone, so we go too."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    # Per-request logs would flood the parent's pipe when tests seed thousands of users.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    threading.Thread(target=exit_when_stdin_closes, name="stdin-watch", daemon=True).start()
    moto_app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", args.port, EmulatorMiddleware(moto_app), threaded=True)
    print(f"READY {args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
