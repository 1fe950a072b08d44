package io.github.stalekeys.audit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsInvalidMacException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;

/**
 * Seals audit records with an HMAC computed by KMS: the key never leaves KMS, its key policy lets only the
 * remediation role generate (the rule and the remediation verify), so a record whose seal verifies was written
 * by the remediation, whoever can tag the user. HMAC_SHA_256 (KMS key spec HMAC_256): a 32-byte tag, 44
 * characters in base64, which IAM allows in a tag value.
 */
public final class AuditSeal {

    private static final MacAlgorithmSpec ALGORITHM = MacAlgorithmSpec.HMAC_SHA_256;
    /** HMAC_SHA_256 tags are 32 bytes. */
    private static final int MAC_BYTES = 32;

    private final KmsClient kms;
    private final String keyId;

    /** @param keyId the HMAC key's ARN (or id or alias) */
    public AuditSeal(KmsClient kms, String keyId) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
    }

    /** The seal of {@code content}, base64. */
    String seal(String content) {
        SdkBytes mac = kms.generateMac(request -> request.keyId(keyId)
                        .macAlgorithm(ALGORITHM)
                        .message(SdkBytes.fromString(content, StandardCharsets.UTF_8)))
                .mac();
        return Base64.getEncoder().encodeToString(mac.asByteArray());
    }

    /** Whether {@code mac} is the seal of {@code content}; any other KMS failure propagates. */
    boolean verifies(String content, String mac) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(mac);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        if (bytes.length != MAC_BYTES) {
            return false; // not a seal of ours: no KMS call spent on it
        }
        try {
            return kms.verifyMac(request -> request.keyId(keyId)
                            .macAlgorithm(ALGORITHM)
                            .message(SdkBytes.fromString(content, StandardCharsets.UTF_8))
                            .mac(SdkBytes.fromByteArray(bytes)))
                    .macValid();
        } catch (KmsInvalidMacException forged) {
            return false;
        }
    }
}
