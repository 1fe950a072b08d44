package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ListDiscoveredResourcesResponse;
import software.amazon.awssdk.services.config.model.ResourceIdentifier;
import software.amazon.awssdk.services.config.model.ResourceType;
import software.amazon.awssdk.services.iam.IamClient;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class ListDiscoveredResourcesTest {

    /** Creates five users; returns user id -> name. */
    private static Map<String, String> createUsers(IamClient iam) {
        Map<String, String> users = new TreeMap<>();
        for (int i = 0; i < 5; i++) {
            String name = "user-" + i;
            users.put(iam.createUser(r -> r.userName(name)).user().userId(), name);
        }
        return users;
    }

    @Test
    void listsIamUsersByUserIdWithPaging(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient();
                ConfigClient config = emulator.configClient()) {
            Map<String, String> users = createUsers(iam);

            List<ResourceIdentifier> seen = new ArrayList<>();
            List<Integer> pageSizes = new ArrayList<>();
            String next = null;
            do {
                String token = next;
                ListDiscoveredResourcesResponse page = config.listDiscoveredResources(
                        r -> r.resourceType(ResourceType.AWS_IAM_USER).limit(2).nextToken(token));
                seen.addAll(page.resourceIdentifiers());
                pageSizes.add(page.resourceIdentifiers().size());
                next = page.nextToken();
            } while (next != null);

            assertEquals(List.of(2, 2, 1), pageSizes);
            Map<String, String> listed = new TreeMap<>();
            seen.forEach(id -> {
                assertEquals(ResourceType.AWS_IAM_USER, id.resourceType());
                listed.put(id.resourceId(), id.resourceName());
            });
            assertEquals(users, listed);
        }
    }

    @Test
    void honoursResourceIdAndNameFilters(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient();
                ConfigClient config = emulator.configClient()) {
            Map<String, String> users = createUsers(iam);
            String someId = users.keySet().iterator().next();

            List<ResourceIdentifier> byId = config.listDiscoveredResources(
                            r -> r.resourceType(ResourceType.AWS_IAM_USER).resourceIds(someId))
                    .resourceIdentifiers();
            assertEquals(1, byId.size());
            assertEquals(users.get(someId), byId.get(0).resourceName());

            List<ResourceIdentifier> byName = config.listDiscoveredResources(
                            r -> r.resourceType(ResourceType.AWS_IAM_USER).resourceName("user-3"))
                    .resourceIdentifiers();
            assertEquals(1, byName.size());
            assertEquals("user-3", users.get(byName.get(0).resourceId()));
        }
    }

    @Test
    void answersNothingWhenConfigDoesNotRecordIamUsers(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient();
                ConfigClient config = emulator.configClient()) {
            createUsers(iam);
            emulator.recordIamUsersInConfig(false);

            ListDiscoveredResourcesResponse response =
                    config.listDiscoveredResources(r -> r.resourceType(ResourceType.AWS_IAM_USER));
            assertTrue(response.resourceIdentifiers().isEmpty());
            assertNull(response.nextToken());

            emulator.recordIamUsersInConfig(true);
            assertEquals(
                    5,
                    config.listDiscoveredResources(r -> r.resourceType(ResourceType.AWS_IAM_USER))
                            .resourceIdentifiers()
                            .size());
        }
    }
}
