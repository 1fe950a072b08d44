package io.github.stalekeys.policy;

import java.util.regex.Pattern;

/**
 * The shapes IAM gives its identifiers. Everything that reaches an IAM call or an evaluation is matched whole
 * against one of them first, so a value IAM could not have issued is refused, never passed on.
 */
public final class IamIdentifiers {

    /** A user or role name. */
    public static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    /** A user id, the Config resource id of an {@code AWS::IAM::User}. */
    public static final Pattern USER_ID = Pattern.compile("AIDA[A-Z0-9]{12,124}");
    /**
     * An IAM user's ARN, as IAM Access Analyzer names the user of an unused-key finding: partition, 12-digit account,
     * optional path, name.
     */
    public static final Pattern USER_ARN = Pattern.compile(
            "arn:aws(?:-[a-z]{1,10}){0,2}:iam::[0-9]{12}:user/(?:[\\w+=,.@-]{1,128}/){0,16}[\\w+=,.@-]{1,64}");
    /** An access key id. */
    public static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Z0-9]{16,128}");
    /** A tag key (those starting with {@code aws:} are reserved, checked apart). */
    public static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");

    private IamIdentifiers() {}
}
