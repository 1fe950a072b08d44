package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class HeldCallTest {

    @Test
    void theHeldCallWaitsBeforeItTakesEffectWhileOtherCallsGoOn(AwsEmulator emulator) throws Exception {
        try (IamClient iam = emulator.iamClient();
                ExecutorService pool = Executors.newSingleThreadExecutor()) {
            iam.createUser(user -> user.userName("held"));
            HeldCall hold = emulator.hold("iam:TagUser", 2);
            iam.tagUser(tag -> tag.userName("held").tags(t -> t.key("first").value("1")));

            Future<?> second = pool.submit(() -> iam.tagUser(
                    tag -> tag.userName("held").tags(t -> t.key("second").value("2"))));
            hold.awaitHeld();
            assertFalse(second.isDone());
            assertEquals(
                    1, iam.listUserTags(list -> list.userName("held")).tags().size(), "not yet in effect");
            iam.tagUser(tag -> tag.userName("held").tags(t -> t.key("third").value("3"))); // the hold fired once
            hold.release();
            second.get(10, TimeUnit.SECONDS);

            assertEquals(
                    3, iam.listUserTags(list -> list.userName("held")).tags().size());
        }
    }

    @Test
    void aHoldMatchesAPatternAndSaysWhenItsCallDidNotCome(AwsEmulator emulator) throws Exception {
        try (IamClient iam = emulator.iamClient();
                ExecutorService pool = Executors.newSingleThreadExecutor()) {
            HeldCall never = emulator.hold("sts:*", 1);
            assertFalse(never.isHeld(Duration.ofMillis(50)));
            never.release();

            HeldCall anyIam = emulator.hold("iam:*", 1);
            Future<?> listing = pool.submit(() -> iam.listUsers());
            assertTrue(anyIam.isHeld(Duration.ofSeconds(10)));
            anyIam.close();
            listing.get(10, TimeUnit.SECONDS);
        }
    }
}
