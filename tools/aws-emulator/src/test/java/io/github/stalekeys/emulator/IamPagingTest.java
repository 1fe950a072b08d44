package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.EntityType;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.ListAccessKeysResponse;
import software.amazon.awssdk.services.iam.model.ListUserTagsResponse;
import software.amazon.awssdk.services.iam.model.ListUsersResponse;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/**
 * moto answers ListUsers, ListAccessKeys, ListUserTags and GetAccountAuthorizationDetails in one page; the emulator
 * pages them like IAM.
 */
@org.junit.jupiter.api.Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class IamPagingTest {

    private static List<String> createUsers(IamClient iam, int count, String path) {
        List<String> names = IntStream.range(0, count)
                .mapToObj(i -> String.format("user-%05d", i))
                .toList();
        long started = System.nanoTime();
        names.parallelStream()
                .forEach(name -> iam.createUser(r -> r.userName(name).path(path)));
        System.out.printf("created %d IAM users in %d ms%n", count, (System.nanoTime() - started) / 1_000_000);
        return names;
    }

    private static List<String> seedUsers(AwsEmulator emulator, int count) {
        List<String> names = IntStream.range(0, count)
                .mapToObj(i -> String.format("seeded-%05d", i))
                .toList();
        long started = System.nanoTime();
        emulator.seedUsers(names);
        System.out.printf("seeded %d IAM users in %d ms%n", count, (System.nanoTime() - started) / 1_000_000);
        return names;
    }

    private static List<String> names(List<User> users) {
        return users.stream().map(User::userName).toList();
    }

    @Test
    void listUsersPagesOf1000ReturnEveryUserExactlyOnceInThreeCalls(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            List<String> created = seedUsers(emulator, 2_500);
            assertEquals(Map.of(), emulator.callCounts(), "seeding is not an AWS call");

            List<String> listed = new ArrayList<>();
            List<Integer> pageSizes = new ArrayList<>();
            String marker = null;
            ListUsersResponse page;
            do {
                String from = marker;
                page = iam.listUsers(r -> r.maxItems(1000).marker(from));
                pageSizes.add(page.users().size());
                listed.addAll(names(page.users()));
                marker = page.marker();
                assertEquals(page.isTruncated(), marker != null, "Marker is present exactly when truncated");
            } while (page.isTruncated());

            assertEquals(List.of(1000, 1000, 500), pageSizes);
            assertEquals(2_500, listed.size());
            assertEquals(new HashSet<>(created), new HashSet<>(listed));
            assertEquals(Map.of("iam:ListUsers", 3L), emulator.callCounts());
        }
    }

    /**
     * IAM pages GetAccountAuthorizationDetails by MaxItems (at most 1,000) and Marker, and each UserDetail carries
     * the user's tags (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html,
     * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UserDetail.html; the AWS response quoted in
     * getmoto/moto#5803 shows "Tags" on every user, [] when it has none).
     */
    @Test
    void authorizationDetailsOfUsersPageLikeIamAndCarryEachUsersTags(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            List<String> created = seedUsers(emulator, 2_500);
            iam.tagUser(r -> r.userName("seeded-00042")
                    .tags(Tag.builder().key("owner").value("a@example.com").build()));
            emulator.resetCallCounts();

            List<Integer> pageSizes = new ArrayList<>();
            List<String> listed = new ArrayList<>();
            Map<String, List<Tag>> tags = new java.util.HashMap<>();
            iam
                    .getAccountAuthorizationDetailsPaginator(
                            r -> r.filter(EntityType.USER).maxItems(1000))
                    .stream()
                    .forEach(page -> {
                        pageSizes.add(page.userDetailList().size());
                        assertTrue(
                                page.roleDetailList().isEmpty()
                                        && page.policies().isEmpty(),
                                "users only");
                        page.userDetailList().forEach(user -> {
                            listed.add(user.userName());
                            tags.put(user.userName(), user.tags());
                            assertNotNull(user.userId());
                            assertNotNull(user.createDate());
                        });
                    });

            assertEquals(List.of(1000, 1000, 500), pageSizes);
            assertEquals(new HashSet<>(created), new HashSet<>(listed));
            assertEquals(2_500, listed.size());
            assertEquals(
                    List.of(Tag.builder().key("owner").value("a@example.com").build()), tags.get("seeded-00042"));
            assertEquals(List.of(), tags.get("seeded-00043"));
            assertEquals(Map.of("iam:GetAccountAuthorizationDetails", 3L), emulator.callCounts());
            assertEquals(
                    100,
                    iam.getAccountAuthorizationDetails(r -> r.filter(EntityType.USER))
                            .userDetailList()
                            .size(),
                    "100 a page when MaxItems is omitted");
            assertThrows(
                    IamException.class,
                    () -> iam.getAccountAuthorizationDetails(
                            r -> r.filter(EntityType.USER).maxItems(1001)));
        }
    }

    @Test
    void listUsersDefaultsToPagesOf100AndThePaginatorReturnsEveryUser(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            List<String> created = seedUsers(emulator, 250);

            ListUsersResponse first = iam.listUsers();
            assertEquals(100, first.users().size());
            assertTrue(first.isTruncated());
            assertNotNull(first.marker());
            ListUsersResponse again = iam.listUsers();
            assertEquals(names(first.users()), names(again.users()), "order is stable");

            List<String> all = names(iam.listUsersPaginator().users().stream().toList());
            assertEquals(created.size(), all.size());
            assertEquals(new HashSet<>(created), new HashSet<>(all));
            // 2 single calls + 3 paginator pages (100, 100, 50).
            assertEquals(Map.of("iam:ListUsers", 5L), emulator.callCounts());

            List<String> bigPages = names(iam.listUsersPaginator(r -> r.maxItems(1000)).users().stream()
                    .toList());
            assertEquals(new HashSet<>(created), new HashSet<>(bigPages));
            assertEquals(6L, emulator.callCounts().get("iam:ListUsers"));
        }
    }

    @Test
    void maxItemsOutsideOneTo1000AndForeignMarkersAreRejected(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            createUsers(iam, 3, "/");
            for (int bad : new int[] {0, -1, 1001}) {
                IamException error = assertThrows(IamException.class, () -> iam.listUsers(r -> r.maxItems(bad)));
                assertEquals("ValidationError", error.awsErrorDetails().errorCode());
                assertEquals(400, error.statusCode());
                assertTrue(error.getMessage().contains("maxItems"), error.getMessage());
            }
            assertEquals(1, iam.listUsers(r -> r.maxItems(1)).users().size());
            assertEquals(3, iam.listUsers(r -> r.maxItems(1000)).users().size());
            assertFalse(iam.listUsers(r -> r.maxItems(1000)).isTruncated());

            IamException badMarker =
                    assertThrows(IamException.class, () -> iam.listUsers(r -> r.marker("not-a-marker")));
            assertEquals("ValidationError", badMarker.awsErrorDetails().errorCode());
            String usersMarker = iam.listUsers(r -> r.maxItems(1)).marker();
            // A marker only continues the listing that issued it.
            assertThrows(
                    IamException.class,
                    () -> iam.listUsers(r -> r.pathPrefix("/other/").marker(usersMarker)));
            assertThrows(
                    IamException.class,
                    () -> iam.listUserTags(r -> r.userName("user-00000").marker(usersMarker)));
            assertThrows(
                    IamException.class,
                    () -> iam.listAccessKeys(r -> r.userName("user-00000").maxItems(0)));
            assertThrows(
                    IamException.class,
                    () -> iam.listUserTags(r -> r.userName("user-00000").maxItems(1001)));
        }
    }

    @Test
    void pathPrefixIsHonouredWhilePaging(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            createUsers(iam, 30, "/");
            iam.createUser(r -> r.userName("eng-1").path("/engineering/"));
            iam.createUser(r -> r.userName("eng-2").path("/engineering/"));
            iam.createUser(r -> r.userName("eng-3").path("/engineering/team/"));

            ListUsersResponse first =
                    iam.listUsers(r -> r.pathPrefix("/engineering/").maxItems(2));
            assertEquals(List.of("eng-1", "eng-2"), names(first.users()));
            assertTrue(first.isTruncated());
            ListUsersResponse second =
                    iam.listUsers(r -> r.pathPrefix("/engineering/").maxItems(2).marker(first.marker()));
            assertEquals(List.of("eng-3"), names(second.users()));
            assertFalse(second.isTruncated());
            assertNull(second.marker());
            assertEquals(
                    33,
                    iam.listUsersPaginator(r -> r.maxItems(7)).users().stream().count());
        }
    }

    @Test
    void pagingSurvivesUsersDeletedBetweenPages(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            createUsers(iam, 10, "/");
            ListUsersResponse first = iam.listUsers(r -> r.maxItems(5));
            assertEquals("user-00004", first.users().get(4).userName());
            iam.deleteUser(r -> r.userName("user-00004"));
            iam.deleteUser(r -> r.userName("user-00005"));
            ListUsersResponse rest = iam.listUsers(r -> r.maxItems(5).marker(first.marker()));
            assertEquals(List.of("user-00006", "user-00007", "user-00008", "user-00009"), names(rest.users()));
            assertFalse(rest.isTruncated());
        }
    }

    @Test
    void seededUsersLookLikeCreatedOnesAndNamesCannotBeTakenTwice(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            emulator.seedUsers(List.of("seeded-a", "seeded-b"), "/team/");
            User seeded = iam.getUser(r -> r.userName("seeded-a")).user();
            assertTrue(seeded.userId().matches("AIDA[A-Z0-9]{17}"), seeded.userId());
            assertEquals("/team/", seeded.path());
            assertTrue(seeded.arn().endsWith(":user/team/seeded-a"), seeded.arn());
            assertNotNull(seeded.createDate());
            assertEquals(
                    List.of("seeded-a", "seeded-b"),
                    names(iam.listUsers(r -> r.pathPrefix("/team/")).users()));
            String keyId =
                    iam.createAccessKey(r -> r.userName("seeded-b")).accessKey().accessKeyId();
            assertEquals(
                    keyId,
                    iam.listAccessKeys(r -> r.userName("seeded-b"))
                            .accessKeyMetadata()
                            .get(0)
                            .accessKeyId());

            assertThrows(IllegalStateException.class, () -> emulator.seedUsers(List.of("seeded-a")));
            assertThrows(IllegalStateException.class, () -> emulator.seedUsers(List.of("twice", "twice")));
            assertThrows(IllegalStateException.class, () -> emulator.seedUsers(List.of("bad name")));
            assertThrows(IllegalStateException.class, () -> emulator.seedUsers(List.of("ok"), "no-slashes"));
            assertEquals(2, iam.listUsers().users().size(), "a rejected batch creates nobody");
        }
    }

    @Test
    void listAccessKeysPages(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            iam.createUser(r -> r.userName("keys"));
            String firstKey =
                    iam.createAccessKey(r -> r.userName("keys")).accessKey().accessKeyId();
            String secondKey =
                    iam.createAccessKey(r -> r.userName("keys")).accessKey().accessKeyId();

            ListAccessKeysResponse all = iam.listAccessKeys(r -> r.userName("keys"));
            assertEquals(2, all.accessKeyMetadata().size());
            assertFalse(all.isTruncated());
            assertNull(all.marker());

            ListAccessKeysResponse first =
                    iam.listAccessKeys(r -> r.userName("keys").maxItems(1));
            assertTrue(first.isTruncated());
            ListAccessKeysResponse second =
                    iam.listAccessKeys(r -> r.userName("keys").maxItems(1).marker(first.marker()));
            assertFalse(second.isTruncated());
            Set<String> paged = new HashSet<>();
            first.accessKeyMetadata().forEach(k -> paged.add(k.accessKeyId()));
            second.accessKeyMetadata().forEach(k -> paged.add(k.accessKeyId()));
            assertEquals(Set.of(firstKey, secondKey), paged);

            emulator.resetCallCounts();
            List<String> viaPaginator =
                    iam.listAccessKeysPaginator(r -> r.userName("keys").maxItems(1)).accessKeyMetadata().stream()
                            .map(AccessKeyMetadata::accessKeyId)
                            .toList();
            assertEquals(List.of(firstKey, secondKey), viaPaginator, "creation order, as before");
            assertEquals(Map.of("iam:ListAccessKeys", 2L), emulator.callCounts());
        }
    }

    @Test
    void listUserTagsPages(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            iam.createUser(r -> r.userName("tagged"));
            List<Tag> tags = IntStream.range(0, 50)
                    .mapToObj(i -> Tag.builder()
                            .key(String.format("key-%02d", i))
                            .value("v" + i)
                            .build())
                    .toList();
            iam.tagUser(r -> r.userName("tagged").tags(tags));

            ListUserTagsResponse first =
                    iam.listUserTags(r -> r.userName("tagged").maxItems(20));
            assertEquals(20, first.tags().size());
            assertTrue(first.isTruncated());
            assertFalse(iam.listUserTags(r -> r.userName("tagged")).isTruncated(), "default 100 covers IAM's 50 tags");

            emulator.resetCallCounts();
            List<Tag> viaPaginator = iam
                    .listUserTagsPaginator(r -> r.userName("tagged").maxItems(20))
                    .tags()
                    .stream()
                    .toList();
            assertEquals(new HashSet<>(tags), new HashSet<>(viaPaginator));
            assertEquals(50, viaPaginator.size());
            assertEquals(Map.of("iam:ListUserTags", 3L), emulator.callCounts());
        }
    }
}
