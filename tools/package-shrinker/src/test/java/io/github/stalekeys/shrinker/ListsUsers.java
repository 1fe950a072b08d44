package io.github.stalekeys.shrinker;

import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ListUsersResponse;

/** The function of the test package: it calls one IAM operation, ListUsers, and nothing else. */
public final class ListsUsers {

    private ListsUsers() {}

    public static ListUsersResponse call(IamClient iam) {
        return iam.listUsers(request -> request.maxItems(10));
    }
}
