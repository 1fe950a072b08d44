#!/usr/bin/env node
// Offline validation of the SSM Automation runbooks in this folder.
//
//   node validate.mjs            validates every *.yaml runbook next to this file
//   node validate.mjs a.yaml ... validates the given files
//
// Exit code 0 when every file is valid, 1 otherwise (each problem is printed as
// "<file>: <where>: <what>"), 2 on a usage or setup error.
//
// Two layers:
//  1. The JSON schema of Automation documents shipped in the npm package
//     aws-ssm-document-language-service@1.0.0 (dist/schema.json), with a small, explicit overlay
//     for facts the 2020 schema predates (see SCHEMA_OVERLAY below).
//  2. Checks a schema cannot express: every {{ placeholder }} resolves to a declared parameter,
//     an output of an earlier step, or a known system variable; every free-text String parameter
//     has an anchored allowedPattern that its default matches; handlers exist; step targets exist.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import yaml from 'js-yaml';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// aws:executeScript Python runtimes. AWS stopped accepting python3.6/3.7/3.8 for new or updated
// runbooks on 2024-12-04 and recommends python3.11; the packaged schema only lists 3.6/3.7.
export const SUPPORTED_SCRIPT_RUNTIMES = ['python3.11'];

// System variables a runbook may reference besides its parameters and step outputs.
const SYSTEM_VARIABLES = new Set([
  'automation:EXECUTION_ID',
  'global:ACCOUNT_ID',
  'global:REGION',
  'global:AWS_PARTITION',
  'global:DATE',
  'global:DATE_TIME',
]);

// Outputs that actions always produce, and outputs that are only present sometimes. Referencing
// a sometimes-present output makes the referencing step depend on whether Automation can resolve
// a variable that was never produced, so it is rejected.
const ACTION_OUTPUTS = {
  'aws:invokeLambdaFunction': {
    always: ['StatusCode', 'Payload'],
    sometimes: {
      FunctionError: 'only present when the function failed',
      LogResult: 'only present when LogType is Tail',
    },
    customOutputs: false,
  },
  'aws:executeScript': { always: ['Payload'], sometimes: {}, customOutputs: true },
  'aws:executeAwsApi': { always: [], sometimes: {}, customOutputs: true },
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

let compiledSchema;

function loadSchema() {
  const schemaPath = require.resolve('aws-ssm-document-language-service/dist/schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  delete schema.$schema; // "draft-07/schema" without '#': Ajv's draft-07 support is the default anyway
  return applyOverlay(schema);
}

function actionBranch(schema, action) {
  const branch = schema.properties.mainSteps.items.allOf.find(
    (entry) => entry?.if?.properties?.action?.const === action,
  );
  if (!branch) throw new Error(`schema.json has no branch for ${action}; update the overlay`);
  return branch.then.properties.inputs;
}

// The overlay: every change to the packaged schema, in one place.
function applyOverlay(schema) {
  const script = actionBranch(schema, 'aws:executeScript');
  const runtime = script.properties.Runtime;
  const runtimeEnum = runtime.oneOf?.find((alternative) => Array.isArray(alternative.enum));
  if (!runtimeEnum) throw new Error('schema.json: aws:executeScript Runtime has no enum; update the overlay');
  runtimeEnum.enum = [...SUPPORTED_SCRIPT_RUNTIMES];

  // aws:invokeLambdaFunction InputPayload (documented, type StringMap) is missing from the schema.
  const invoke = actionBranch(schema, 'aws:invokeLambdaFunction');
  invoke.properties.InputPayload = {
    description: 'A YAML or JSON object passed to the first parameter of the handler (StringMap).',
    type: 'object',
    additionalProperties: { type: 'string' },
  };
  return schema;
}

function schemaValidator() {
  if (!compiledSchema) {
    // unicodeRegExp: false because the packaged schema's patterns ("^{{...}}$") are not valid with the u flag.
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, unicodeRegExp: false });
    compiledSchema = ajv.compile(loadSchema());
  }
  return compiledSchema;
}

function schemaErrors(doc) {
  const validate = schemaValidator();
  if (validate(doc)) return [];
  const seen = new Set();
  const errors = [];
  for (const error of validate.errors) {
    // "must match then schema" only repeats the error underneath it.
    if (error.keyword === 'if') continue;
    const where = error.instancePath || '/';
    let detail = error.message;
    if (error.keyword === 'additionalProperties') detail += ` (${error.params.additionalProperty})`;
    if (error.keyword === 'enum') detail += ` (${error.params.allowedValues.join(', ')})`;
    const text = `schema: ${where}: ${detail}`;
    if (!seen.has(text)) {
      seen.add(text);
      errors.push(text);
    }
  }
  return errors;
}

// --- checks a schema cannot express -------------------------------------------------------

function isAnchored(pattern) {
  if (!pattern.startsWith('^') || !pattern.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = pattern.length - 2; i >= 0 && pattern[i] === '\\'; i -= 1) backslashes += 1;
  return backslashes % 2 === 0; // a trailing "\$" is a literal dollar, not an anchor
}

// "^a|b$" starts with ^ and ends with $ but only anchors each side of the alternation.
function hasTopLevelAlternation(pattern) {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === '\\') {
      i += 1;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth += 1;
    } else if (c === ')') {
      depth -= 1;
    } else if (c === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}

function compilePattern(pattern) {
  // Automation checks allowedPattern with Java regex; the 'u' flag makes JavaScript accept the
  // same \p{..} classes and reject sloppy escapes.
  return new RegExp(pattern, 'u');
}

function checkParameters(doc, errors) {
  const parameters = doc.parameters ?? {};
  for (const [name, definition] of Object.entries(parameters)) {
    if (!definition || typeof definition !== 'object') continue;
    const where = `parameters.${name}`;
    if (!definition.description) errors.push(`${where}: has no description`);
    const { type, allowedPattern, allowedValues } = definition;
    const hasDefault = Object.prototype.hasOwnProperty.call(definition, 'default');

    if (type === 'String' && !allowedValues && allowedPattern === undefined) {
      errors.push(`${where}: String parameter without allowedValues needs an allowedPattern`);
    }
    let regex;
    if (typeof allowedPattern === 'string') {
      if (!isAnchored(allowedPattern)) {
        errors.push(`${where}: allowedPattern ${JSON.stringify(allowedPattern)} must start with ^ and end with $`);
      } else if (hasTopLevelAlternation(allowedPattern)) {
        errors.push(`${where}: allowedPattern ${JSON.stringify(allowedPattern)} has a top-level | that escapes the anchors; wrap the alternatives in a group`);
      }
      try {
        regex = compilePattern(allowedPattern);
      } catch (error) {
        errors.push(`${where}: allowedPattern does not compile: ${error.message}`);
      }
    }
    if (!hasDefault) continue;
    const value = definition.default;
    if (type === 'String' && typeof value === 'string' && !/^\{\{\s*ssm:/.test(value)) {
      if (regex && !regex.test(value)) {
        errors.push(`${where}: default ${JSON.stringify(value)} does not match its own allowedPattern`);
      }
    }
    if (type === 'Integer' && !Number.isInteger(value)) errors.push(`${where}: default ${JSON.stringify(value)} is not an integer`);
    if (type === 'Boolean' && typeof value !== 'boolean') errors.push(`${where}: default ${JSON.stringify(value)} is not a boolean`);
    if (Array.isArray(allowedValues) && !allowedValues.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
      errors.push(`${where}: default ${JSON.stringify(value)} is not one of its allowedValues`);
    }
  }
}

function stepOutputs(step) {
  const known = ACTION_OUTPUTS[step.action];
  const declared = Array.isArray(step.outputs) ? step.outputs.map((output) => output?.Name).filter(Boolean) : [];
  if (!known) return { always: null, sometimes: {} }; // an action this validator has no table for
  return { always: new Set([...known.always, ...declared]), sometimes: known.sometimes };
}

function* stringsIn(value, where) {
  if (typeof value === 'string') {
    yield [value, where];
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) yield* stringsIn(value[i], `${where}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) yield* stringsIn(child, `${where}.${key}`);
  }
}

function checkReference(reference, where, context, errors) {
  const { parameters, stepsBefore, stepIndex } = context;
  if (SYSTEM_VARIABLES.has(reference)) return;
  if (/^[A-Za-z0-9_]+$/.test(reference)) {
    if (!parameters.has(reference)) errors.push(`${where}: {{ ${reference} }} is not a declared parameter`);
    return;
  }
  const match = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(reference);
  if (!match) {
    errors.push(`${where}: {{ ${reference} }} is neither a parameter, a step output nor a known system variable`);
    return;
  }
  const [, stepName, outputName] = match;
  const producer = stepsBefore.get(stepName);
  if (!producer) {
    errors.push(stepIndex.has(stepName)
      ? `${where}: {{ ${reference} }} refers to step ${stepName}, which does not run before this point`
      : `${where}: {{ ${reference} }} refers to an unknown step ${stepName}`);
    return;
  }
  const outputs = stepOutputs(producer);
  if (outputs.sometimes[outputName]) {
    errors.push(`${where}: {{ ${reference} }}: ${producer.action} output ${outputName} is ${outputs.sometimes[outputName]}; a step referencing it cannot rely on it resolving`);
    return;
  }
  if (outputs.always && !outputs.always.has(outputName)) {
    errors.push(`${where}: {{ ${reference} }}: step ${stepName} (${producer.action}) has no output ${outputName}`);
  }
  if (producer.action === 'aws:invokeLambdaFunction' && outputName === 'Payload') {
    const type = producer.inputs?.InvocationType ?? 'RequestResponse';
    if (type !== 'RequestResponse') errors.push(`${where}: {{ ${reference} }}: Payload is only returned with InvocationType RequestResponse`);
  }
}

function checkSteps(doc, errors) {
  const steps = Array.isArray(doc.mainSteps) ? doc.mainSteps : [];
  const parameters = new Set(Object.keys(doc.parameters ?? {}));
  const stepIndex = new Map();
  steps.forEach((step, i) => {
    if (!step?.name) return;
    if (stepIndex.has(step.name)) errors.push(`mainSteps[${i}]: duplicate step name ${step.name}`);
    stepIndex.set(step.name, step);
  });

  if (typeof doc.assumeRole === 'string') {
    for (const match of doc.assumeRole.matchAll(PLACEHOLDER)) {
      if (!parameters.has(match[1])) errors.push(`assumeRole: {{ ${match[1]} }} is not a declared parameter`);
    }
  }

  const stepsBefore = new Map();
  steps.forEach((step, i) => {
    if (!step || typeof step !== 'object') return;
    const where = `mainSteps[${i}] (${step.name ?? 'unnamed'})`;
    if (step.name && !/^[A-Za-z0-9_]+$/.test(step.name)) errors.push(`${where}: step names may only use letters, digits and _`);

    const context = { parameters, stepsBefore, stepIndex };
    for (const [text, at] of stringsIn(step.inputs ?? {}, `${where}.inputs`)) {
      for (const match of text.matchAll(PLACEHOLDER)) checkReference(match[1], at, context, errors);
    }

    const targets = [];
    if (typeof step.nextStep === 'string') targets.push(step.nextStep);
    if (typeof step.onFailure === 'string' && step.onFailure.startsWith('step:')) targets.push(step.onFailure.slice(5));
    for (const choice of step.inputs?.Choices ?? []) if (choice?.NextStep) targets.push(choice.NextStep);
    if (step.action === 'aws:branch' && typeof step.inputs?.Default === 'string') targets.push(step.inputs.Default);
    for (const target of targets) if (!stepIndex.has(target)) errors.push(`${where}: jumps to unknown step ${target}`);

    if (step.action === 'aws:executeScript') {
      const { Script: script, Handler: handler, Attachment: attachment, Runtime: runtime } = step.inputs ?? {};
      if (!script && !attachment) errors.push(`${where}: aws:executeScript needs a Script or an Attachment`);
      if (typeof runtime === 'string' && runtime.startsWith('python')) {
        if (!handler) {
          errors.push(`${where}: a Python aws:executeScript needs a Handler`);
        } else if (script && !new RegExp(`^def\\s+${handler}\\s*\\(\\s*\\w+\\s*,\\s*\\w+\\s*\\)\\s*:`, 'm').test(script)) {
          errors.push(`${where}: Script defines no top-level function ${handler}(events, context)`);
        }
      }
    }
    const outputNames = new Set();
    for (const output of Array.isArray(step.outputs) ? step.outputs : []) {
      if (!output?.Name || !output?.Selector) {
        errors.push(`${where}: every output needs a Name and a Selector`);
        continue;
      }
      if (outputNames.has(output.Name)) errors.push(`${where}: duplicate output ${output.Name}`);
      outputNames.add(output.Name);
      if (!output.Selector.startsWith('$')) errors.push(`${where}: output ${output.Name}: Selector must be a JSONPath starting with $`);
    }
    if (step.outputs && ACTION_OUTPUTS[step.action]?.customOutputs === false) {
      errors.push(`${where}: ${step.action} does not support custom outputs`);
    }
    if (step.name) stepsBefore.set(step.name, step);
  });

  const last = steps[steps.length - 1];
  if (last && last.isEnd !== true && last.nextStep === undefined && last.action !== 'aws:branch') {
    // Not an error for Automation, but every runbook here ends explicitly.
    errors.push(`mainSteps[${steps.length - 1}] (${last.name}): the last step should set isEnd: true`);
  }

  for (const [i, output] of (Array.isArray(doc.outputs) ? doc.outputs : []).entries()) {
    if (typeof output !== 'string') continue;
    const match = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(output);
    if (!match) {
      errors.push(`outputs[${i}]: ${JSON.stringify(output)} must be StepName.OutputName`);
      continue;
    }
    checkReference(output, `outputs[${i}]`, { parameters: new Set(), stepsBefore, stepIndex }, errors);
  }
}

export function validateDocument(doc) {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return ['document: not a YAML mapping'];
  const errors = schemaErrors(doc);
  if (typeof doc.description !== 'string' || !doc.description.trim()) errors.push('description: missing or empty');
  checkParameters(doc, errors);
  checkSteps(doc, errors);
  return errors;
}

export function validateFile(file) {
  let doc;
  try {
    // js-yaml rejects duplicate keys and unknown tags (!Ref, !Sub ...), which AWS::Include
    // would not accept inside a CloudFormation template either.
    doc = yaml.load(readFileSync(file, 'utf8'), { filename: file });
  } catch (error) {
    return [`yaml: ${error.message.split('\n')[0]}`];
  }
  return validateDocument(doc);
}

export function defaultFiles(dir = HERE) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .map((name) => path.join(dir, name));
}

function main(argv) {
  const files = argv.length ? argv.map((file) => path.resolve(file)) : defaultFiles();
  if (!files.length) {
    console.error(`validate.mjs: no runbooks (*.yaml) found in ${HERE}`);
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    const errors = validateFile(file);
    if (errors.length) {
      failed += 1;
      for (const error of errors) console.error(`${shown}: ${error}`);
      console.error(`${shown}: INVALID (${errors.length} problem${errors.length === 1 ? '' : 's'})`);
    } else {
      console.log(`${shown}: OK`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`validate.mjs: ${error.stack ?? error}`);
    process.exitCode = 2;
  }
}
