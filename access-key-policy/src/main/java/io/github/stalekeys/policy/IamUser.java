package io.github.stalekeys.policy;

import java.util.Objects;

/**
 * An IAM user as AWS Config knows it.
 *
 * @param userId   the stable user id ({@code AIDA...}), which is the Config resource id
 * @param userName the user's name, which the IAM key APIs take
 */
public record IamUser(String userId, String userName) {

    public IamUser {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(userName, "userName");
    }
}
