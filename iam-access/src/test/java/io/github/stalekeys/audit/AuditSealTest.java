package io.github.stalekeys.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsInvalidMacException;
import software.amazon.awssdk.services.kms.model.VerifyMacRequest;
import software.amazon.awssdk.services.kms.model.VerifyMacResponse;

/** Which seals reach KMS: only those shaped like an HMAC_SHA_256 tag, so forged tags cost no KMS call. */
class AuditSealTest {

    /** KMS as far as verifying goes: every MAC is invalid; calls are counted. */
    private static final class CountingKms implements KmsClient {
        int verifications;

        @Override
        public VerifyMacResponse verifyMac(VerifyMacRequest request) {
            verifications++;
            throw KmsInvalidMacException.builder().message("invalid").build();
        }

        @Override
        public String serviceName() {
            return "kms";
        }

        @Override
        public void close() {}
    }

    @Test
    void aSealThatIsNotA32ByteTagInBase64IsRefusedWithoutAskingKms() {
        CountingKms kms = new CountingKms();
        AuditSeal seal = new AuditSeal(kms, "alias/audit");

        assertFalse(seal.verifies("content", "not base64!"));
        assertFalse(seal.verifies("content", Base64.getEncoder().encodeToString(new byte[8])));
        assertFalse(seal.verifies("content", Base64.getEncoder().encodeToString(new byte[33])));
        assertEquals(0, kms.verifications);

        assertFalse(seal.verifies("content", Base64.getEncoder().encodeToString(new byte[32])));
        assertEquals(1, kms.verifications, "a 32-byte tag is checked by KMS, and an invalid one is no seal");
        assertTrue(Base64.getEncoder().encodeToString(new byte[32]).length() == 44);
    }
}
