"""What CloudFormation does with a template and a set of parameter values, as far as the checks need
it, offline: validate the values against the parameters' own constraints (the deploy-time error that
names the parameter), resolve Ref / Fn::Sub / Fn::If / conditions to literal values, and tell whether
an update creates a new AWS::Lambda::Version (a new logical id, or a changed property that CloudFormation
can only apply by replacement: the resource schema's createOnlyProperties).

The AWS facts come from the copies installed here: botocore's service models (API limits) and
cfn-lint's copy of the CloudFormation resource provider schemas (createOnlyProperties)."""

import copy
import functools
import hashlib
import json

import regex  # CloudFormation patterns are Java regular expressions (\p{L} and friends): `re` lacks them

import templates as t

PSEUDO_PARAMETERS = {
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::StackName": "unused-access-keys",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/unused-access-keys/5e4c1f60-9a3b-11f1-8f1e-0a1b2c3d4e5f",
    "AWS::URLSuffix": "amazonaws.com",
}


# ---------------------------------------------------------------------- AWS models installed here
@functools.lru_cache(maxsize=None)
def service_model(service):
    """botocore's copy of an AWS API model (the API reference's limits, machine-readable)."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def api_limits(service, shape):
    """{'min':, 'max':, 'pattern':} of a shape of an AWS API, from botocore's model."""
    return dict(service_model(service).shape_for(shape).metadata)


def member_limits(service, structure, member):
    return dict(service_model(service).shape_for(structure).members[member].metadata)


@functools.lru_cache(maxsize=None)
def create_only_properties(resource_type):
    """Properties whose change makes CloudFormation replace the resource (resource provider schema)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    return tuple(path.rsplit("/", 1)[-1] for path in schema.get("createOnlyProperties", []))


# ---------------------------------------------------------------------- parameter values
def defaults(template):
    return {name: spec["Default"] for name, spec in template.get("Parameters", {}).items() if "Default" in spec}


def parameter_problem(name, spec, value):
    """CloudFormation's own check of one parameter value: None when accepted, else the reason."""
    text = str(value)
    if spec.get("Type") == "Number":
        try:
            number = float(text)
        except ValueError:
            return "%s must be a number" % name
        if "MinValue" in spec and number < float(spec["MinValue"]):
            return "%s must be at least %s" % (name, spec["MinValue"])
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            return "%s must be at most %s" % (name, spec["MaxValue"])
    else:
        if "MinLength" in spec and len(text) < int(spec["MinLength"]):
            return "%s must have at least %s characters" % (name, spec["MinLength"])
        if "MaxLength" in spec and len(text) > int(spec["MaxLength"]):
            return "%s must have at most %s characters" % (name, spec["MaxLength"])
        if "AllowedPattern" in spec and regex.fullmatch(spec["AllowedPattern"], text) is None:
            return "%s must match pattern %s" % (name, spec["AllowedPattern"])
    if "AllowedValues" in spec and text not in [str(v) for v in spec["AllowedValues"]]:
        return "%s must be one of %s" % (name, spec["AllowedValues"])
    return None


def accepts(template, name, value):
    return parameter_problem(name, template["Parameters"][name], value) is None


# ---------------------------------------------------------------------- resolving intrinsics
class Unresolved(Exception):
    pass


def evaluate_condition(template, name, values):
    return bool(resolve(template["Conditions"][name], template, values))


def _sub(text, variables, template, values, seen):
    out, i = [], 0
    while i < len(text):
        start = text.find("${", i)
        if start < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        end = text.index("}", start)
        name = text[start + 2:end]
        if name.startswith("!"):
            out.append("${" + name[1:] + "}")
        elif name in variables:
            out.append(str(resolve(variables[name], template, values, seen)))
        elif "." in name:
            out.append(str(resource_token(template, name.split(".")[0], values, seen) + "." + name.split(".", 1)[1]))
        else:
            out.append(str(_ref(name, template, values, seen)))
        i = end + 1
    return "".join(out)


def _ref(name, template, values, seen):
    if name in values:
        return values[name]
    if name in PSEUDO_PARAMETERS:
        return PSEUDO_PARAMETERS[name]
    if name in template.get("Parameters", {}):
        if "Default" not in template["Parameters"][name]:
            raise Unresolved("parameter %s has no value" % name)
        return template["Parameters"][name]["Default"]
    if name in template.get("Resources", {}):
        return resource_token(template, name, values, seen)
    raise Unresolved("unknown reference %s" % name)


def resource_token(template, logical_id, values, seen=frozenset()):
    """What a Ref / Fn::GetAtt to a resource stands for: its logical id and the resolved values of its
    create-only properties (they change exactly when CloudFormation replaces it, giving it a new
    physical id and ARN)."""
    if logical_id in seen:
        return "<%s>" % logical_id
    res = template["Resources"][logical_id]
    props = res.get("Properties", {})
    identity = {}
    for prop in create_only_properties(res["Type"]):
        if prop in props:
            identity[prop] = resolve(props[prop], template, values, seen | {logical_id})
    digest = hashlib.sha1(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return "<%s %s>" % (logical_id, digest)


def resolve(node, template, values, seen=frozenset()):
    """node with parameters, pseudo parameters, conditions and Fn::Sub / Fn::Join resolved; references to
    resources become resource tokens. AWS::NoValue drops the key or item."""
    if isinstance(node, list):
        items = [resolve(item, template, values, seen) for item in node]
        return [item for item in items if item is not t.NO_VALUE]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (key, arg), = node.items()
        if key == "Ref":
            return t.NO_VALUE if arg == "AWS::NoValue" else _ref(arg, template, values, seen)
        if key == "Fn::GetAtt":
            target, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return resource_token(template, target, values, seen) + "." + attribute
        if key == "Fn::Sub":
            if isinstance(arg, str):
                return _sub(arg, {}, template, values, seen)
            return _sub(arg[0], arg[1], template, values, seen)
        if key == "Fn::Join":
            return arg[0].join(str(resolve(part, template, values, seen)) for part in resolve(arg[1], template, values, seen))
        if key == "Fn::Split":
            return str(resolve(arg[1], template, values, seen)).split(arg[0])
        if key == "Fn::Select":
            return resolve(arg[1], template, values, seen)[int(resolve(arg[0], template, values, seen))]
        if key == "Fn::If":
            name, when_true, when_false = arg
            chosen = when_true if evaluate_condition(template, name, values) else when_false
            return resolve(chosen, template, values, seen)
        if key == "Fn::Equals":
            left, right = (resolve(v, template, values, seen) for v in arg)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not resolve(arg[0], template, values, seen)
        if key == "Fn::And":
            return all(resolve(v, template, values, seen) for v in arg)
        if key == "Fn::Or":
            return any(resolve(v, template, values, seen) for v in arg)
        if key == "Condition" and isinstance(arg, str) and arg in template.get("Conditions", {}):
            return evaluate_condition(template, arg, values)
    out = {}
    for key, value in node.items():
        value = resolve(value, template, values, seen)
        if value is not t.NO_VALUE:
            out[key] = value
    return out


def resolved_properties(template, logical_id, values):
    return resolve(copy.deepcopy(template["Resources"][logical_id].get("Properties", {})), template, values)


# ---------------------------------------------------------------------- SAM translation
def translate(values=None, code_keys=None, source=None):
    """template.yaml through the SAM translator, as CloudFormation's AWS::Serverless transform runs it:
    with the stack's parameter values. code_keys: function logical id -> S3 key of its package (what
    `sam package` writes into CodeUri: a new key whenever the zip's content changes)."""
    source = copy.deepcopy(source if source is not None else t.parse(t.SAM_TEMPLATE))
    for name, res in source["Resources"].items():
        if res.get("Type") == "AWS::Serverless::Function":
            key = (code_keys or {}).get(name, res["Properties"]["CodeUri"])
            res["Properties"]["CodeUri"] = "s3://package-bucket/" + key
    return t.sam_transform(source, dict(values or {}))


def version_of(template, function_id):
    """(logical id, resource) of the AWS::Lambda::Version SAM publishes for a function."""
    found = [(name, res) for name, res in template["Resources"].items()
             if res["Type"] == "AWS::Lambda::Version" and res["Properties"]["FunctionName"] == {"Ref": function_id}]
    if len(found) != 1:
        raise AssertionError("expected one version of %s, found %s" % (function_id, [n for n, _ in found]))
    return found[0]


def publishes_new_version(before, before_values, after, after_values, function_id):
    """Whether deploying `after` over `before` makes CloudFormation create a new version of the function:
    the version's logical id changes, or one of its create-only properties (Description, FunctionName
    = the function's identity, ...) resolves differently."""
    old_id, old = version_of(before, function_id)
    new_id, new = version_of(after, function_id)
    if old_id != new_id:
        return True
    for prop in create_only_properties("AWS::Lambda::Version"):
        if resolve(old["Properties"].get(prop), before, before_values) != \
                resolve(new["Properties"].get(prop), after, after_values):
            return True
    return False
