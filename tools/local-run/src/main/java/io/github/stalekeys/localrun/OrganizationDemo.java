package io.github.stalekeys.localrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.StoredEvaluation;
import io.github.stalekeys.localrun.LocalDemo.Function;
import io.github.stalekeys.localruntime.LambdaPackage;
import io.github.stalekeys.rehearsal.AutomationRehearsal;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The organization deployment on a local AWS emulator: three accounts, each with the member stack's functions
 * running under that account's own roles (as the StackSet deploys them), users in each, the periodic
 * evaluation in every account, a remediation and a backout in one member account, and three attempts to
 * reach another account's users, each refused. The functions run from their deployment packages in fresh
 * JVMs; the runbooks from their files.
 */
final class OrganizationDemo {

    static final String RULE_NAME = "iam-user-unused-access-keys";
    static final String PREFIX = "StaleKeys";
    static final String SECURITY = "111111111111";
    static final String WORKLOADS = "222222222222";
    static final String SANDBOX = "333333333333";
    static final List<String> ACCOUNTS = List.of(SECURITY, WORKLOADS, SANDBOX);
    static final String SHARED_NAME = "ci-deploy";
    private static final String RULE_PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\"}";
    private static final String LAMBDA_TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What happened, by account id and user name. */
    record Outcome(
            Map<String, Map<String, String>> verdicts,
            List<String> disabledKeys,
            Map<String, String> statusesAfterRemediation,
            List<String> restoredKeys,
            Map<String, String> statusesAfterBackout,
            String remediationOfAnotherAccountsUser,
            String evaluatorAssumingIntoAnotherAccount,
            String evaluatorPostingForAnotherAccount,
            Map<String, Map<String, String>> verdictsAfterAttempts,
            Map<String, String> statusesAfterAttempts) {}

    /** One account: its administrator session (setup and inspection only) and the functions' sessions. */
    private record Account(
            String id,
            AwsCredentialsProvider administrator,
            AwsCredentialsProvider evaluatorRole,
            AwsCredentialsProvider remediationRole,
            Map<String, SeededUser> users) {}

    private final LocalDemo.Artifacts artifacts;
    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();

    OrganizationDemo(LocalDemo.Artifacts artifacts, PrintStream out) {
        this.artifacts = artifacts;
        this.out = out;
    }

    Outcome run() {
        out.println("Unused IAM access keys across an organization, on a local AWS emulator (no AWS account is used)");
        return LocalDemo.onEmulator(out, clock, this::run);
    }

    private Outcome run(AwsEmulator emulator) {
        out.println();
        out.println("==> 1/5 Three accounts, as the StackSet leaves them: each has its own " + PREFIX
                + "-evaluator and " + PREFIX + "-remediation roles (trusted by Lambda only)");
        Map<String, Account> accounts = new LinkedHashMap<>();
        for (String id : ACCOUNTS) {
            accounts.put(id, setUp(emulator, id));
        }
        // From here on a role can be assumed only where its trust policy lets the caller in.
        emulator.enforceRoleTrust(true);

        LambdaPackage evaluatorPackage = LambdaPackage.unpack(
                artifacts.evaluatorZip(), LocalDemo.EVALUATOR_HANDLER, artifacts.runtimeJar(), 512, 300);
        LambdaPackage remediationPackage = LambdaPackage.unpack(
                artifacts.remediationZip(), LocalDemo.REMEDIATION_HANDLER, artifacts.runtimeJar(), 512, 60);

        out.println();
        out.println(
                "==> 2/5 AWS Config runs the rule in every account (periodic trigger), each with its own evaluator");
        Map<String, Map<String, String>> verdicts = new LinkedHashMap<>();
        for (Account account : accounts.values()) {
            Function evaluator =
                    new Function(evaluatorPackage, environment(emulator, account.id(), account.evaluatorRole()));
            LambdaPackage.Run run =
                    evaluator.run(scheduledEvent(emulator, account.id(), account.id(), RULE_PARAMETERS));
            if (run.failed()) {
                throw new IllegalStateException("the rule failed in " + account.id() + ": " + run.response());
            }
            verdicts.put(account.id(), verdicts(emulator, account));
            out.println("    account " + account.id() + ": " + verdicts.get(account.id()));
        }

        Account workloads = accounts.get(WORKLOADS);
        Account sandbox = accounts.get(SANDBOX);
        // As the member template deploys it: the remediation reads its settings from its own account's rule,
        // and seals audit records with its own account's key.
        emulator.putConfigRule(RULE_NAME, RULE_PARAMETERS, workloads.id());
        Map<String, String> remediationEnvironment =
                new LinkedHashMap<>(environment(emulator, workloads.id(), workloads.remediationRole()));
        remediationEnvironment.put("CONFIG_RULE_NAME", RULE_NAME);
        remediationEnvironment.put("AUDIT_RECORD_KEY_ID", emulator.createHmacKey(workloads.remediationRole()));
        remediationEnvironment.put("BACKOUT_RUNBOOK_NAME", PREFIX + "-RestoreAccessKeys");
        Function remediation = new Function(remediationPackage, remediationEnvironment);
        out.println();
        out.println("==> 3/5 \"Remediate\" " + SHARED_NAME + " in account " + WORKLOADS
                + " (a user of the same name exists in " + SANDBOX + ")");
        AutomationRehearsal.Execution remediated = rehearse(
                "disable-unused-access-keys.yaml",
                remediation,
                remediationParameters(
                        workloads, workloads.users().get(SHARED_NAME).userId()));
        List<String> disabled = LocalDemo.texts(remediated.outputs().get("ParseResult.DisabledKeyIds"));
        Map<String, String> afterRemediation = keyStatuses(emulator, accounts);
        out.println(
                "    disabled " + disabled + "; key status of " + SHARED_NAME + " per account: " + afterRemediation);

        out.println();
        out.println("==> 4/5 An operator backs it out in account " + WORKLOADS);
        AutomationRehearsal.Execution restored = rehearse(
                "restore-access-keys.yaml",
                remediation,
                Map.of(
                        "AutomationAssumeRole",
                        automationRole(workloads),
                        "IAMUserName",
                        SHARED_NAME,
                        "RemediationExecutionId",
                        remediated.executionId(),
                        "RemediationFunction",
                        PREFIX + "-remediation:live"));
        List<String> restoredKeys = LocalDemo.texts(restored.outputs().get("ParseResult.RestoredKeyIds"));
        Map<String, String> afterBackout = keyStatuses(emulator, accounts);
        out.println("    restored " + restoredKeys + "; key status per account: " + afterBackout);

        out.println();
        out.println("==> 5/5 From account " + WORKLOADS + ", three attempts at account " + SANDBOX + "'s users");
        AutomationRehearsal.Execution foreign = rehearse(
                "disable-unused-access-keys.yaml",
                remediation,
                remediationParameters(
                        workloads, sandbox.users().get(SHARED_NAME).userId()));
        String foreignOutcome = foreign.outputs().get("ParseResult.Outcome").asText();
        out.println("    remediation runbook given " + SANDBOX + "'s user id: " + foreignOutcome);
        Function workloadsEvaluator =
                new Function(evaluatorPackage, environment(emulator, workloads.id(), workloads.evaluatorRole()));
        String assumed = failure(workloadsEvaluator.run(scheduledEvent(
                emulator,
                SANDBOX,
                SANDBOX,
                "{\"maxAccessKeyAgeDays\":\"90\",\"executionRoleName\":\"" + PREFIX + "-evaluator\"}")));
        out.println("    evaluator told to assume " + PREFIX + "-evaluator in " + SANDBOX + ": " + assumed);
        String posted = failure(workloadsEvaluator.run(scheduledEvent(emulator, SANDBOX, SANDBOX, RULE_PARAMETERS)));
        out.println("    evaluator posting with " + SANDBOX + "'s result token: " + posted);
        Map<String, Map<String, String>> afterAttempts = new LinkedHashMap<>();
        for (Account account : accounts.values()) {
            afterAttempts.put(account.id(), verdicts(emulator, account));
        }
        return new Outcome(
                verdicts,
                disabled,
                afterRemediation,
                restoredKeys,
                afterBackout,
                foreignOutcome,
                assumed,
                posted,
                afterAttempts,
                keyStatuses(emulator, accounts));
    }

    /** Roles as the member stack has them, the users of the account, and the sessions Lambda would hand out. */
    private Account setUp(AwsEmulator emulator, String id) {
        AwsCredentialsProvider administrator =
                emulator.roleSession("arn:aws:iam::" + id + ":role/OrganizationAccountAccessRole", "setup");
        Map<String, SeededUser> users = new LinkedHashMap<>();
        try (IamClient iam = emulator.iamClient(administrator)) {
            for (String function : List.of("evaluator", "remediation")) {
                iam.createRole(
                        request -> request.roleName(PREFIX + "-" + function).assumeRolePolicyDocument(LAMBDA_TRUST));
            }
            IamSeeder seeder = new IamSeeder(emulator, clock, iam);
            SeededUser shared = seeder.user(SHARED_NAME);
            seeder.keyUsed(shared, 200);
            users.put(SHARED_NAME, shared);
            SeededUser active = seeder.user("builder-" + id.substring(0, 3));
            seeder.keyUsed(active, 3);
            users.put(active.userName(), active);
            SeededUser newcomer = seeder.user("newcomer-" + id.substring(0, 3));
            seeder.keyNeverUsed(newcomer, 10);
            users.put(newcomer.userName(), newcomer);
        }
        out.println("    account " + id + ": users " + users.keySet());
        return new Account(
                id,
                administrator,
                emulator.roleSession("arn:aws:iam::" + id + ":role/" + PREFIX + "-evaluator", "evaluator"),
                emulator.roleSession("arn:aws:iam::" + id + ":role/" + PREFIX + "-remediation", "remediation"),
                users);
    }

    /** What Lambda hands a function of account {@code accountId} running as {@code role}. */
    private static Map<String, String> environment(
            AwsEmulator emulator, String accountId, AwsCredentialsProvider role) {
        AwsCredentials credentials = role.resolveCredentials();
        return Map.of(
                "LOCAL_LAMBDA_ACCOUNT_ID", accountId,
                "AWS_REGION", emulator.region(),
                "AWS_ENDPOINT_URL", emulator.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", credentials.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey(),
                "AWS_SESSION_TOKEN", ((AwsSessionCredentials) credentials).sessionToken());
    }

    /** The event Config of {@code eventAccount} sends, with a result token of {@code tokenAccount}'s rule. */
    private String scheduledEvent(AwsEmulator emulator, String eventAccount, String tokenAccount, String parameters) {
        return LocalDemo.scheduledEvent(
                eventAccount,
                RULE_NAME,
                parameters,
                emulator.registerResultToken(RULE_NAME, tokenAccount),
                emulator,
                clock);
    }

    private static Map<String, String> verdicts(AwsEmulator emulator, Account account) {
        Map<String, String> byId = new LinkedHashMap<>();
        for (StoredEvaluation evaluation : emulator.storedEvaluations(RULE_NAME, account.id())) {
            byId.put(evaluation.resourceId(), evaluation.complianceType());
        }
        Map<String, String> byName = new LinkedHashMap<>();
        account.users().values().forEach(user -> byName.put(user.userName(), byId.remove(user.userId())));
        byId.forEach((id, verdict) -> byName.put("unknown user " + id, verdict));
        return byName;
    }

    /** Status of the shared user's key in every account. */
    private static Map<String, String> keyStatuses(AwsEmulator emulator, Map<String, Account> accounts) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (Account account : accounts.values()) {
            try (IamClient iam = emulator.iamClient(account.administrator())) {
                statuses.put(
                        account.id(),
                        iam.listAccessKeys(request -> request.userName(SHARED_NAME))
                                .accessKeyMetadata()
                                .get(0)
                                .statusAsString());
            }
        }
        return statuses;
    }

    private static Map<String, String> remediationParameters(Account account, String userId) {
        return Map.of(
                "AutomationAssumeRole",
                automationRole(account),
                "IAMUserId",
                userId,
                "MaxAccessKeyAgeDays",
                "90",
                "RemediationFunction",
                PREFIX + "-remediation:live");
    }

    private static String automationRole(Account account) {
        return "arn:aws:iam::" + account.id() + ":role/" + PREFIX + "-automation";
    }

    private static String failure(LambdaPackage.Run run) {
        if (!run.failed()) {
            throw new IllegalStateException("expected the invocation to be refused, it answered " + run.response());
        }
        try {
            JsonNode error = JSON.readTree(run.response());
            return error.path("errorType").asText() + ": "
                    + error.path("errorMessage").asText();
        } catch (IOException e) {
            return run.response();
        }
    }

    private AutomationRehearsal.Execution rehearse(String runbook, Function function, Map<String, String> parameters) {
        return LocalDemo.rehearse(artifacts.runbooks(), runbook, function, parameters);
    }
}
