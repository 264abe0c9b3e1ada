package io.github.ec2metadata.proxycache.emulator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The fixed facts of the emulated EC2 instance, shared by meta-data and identity documents. */
final class InstanceIdentity {

    static final String INSTANCE_ID = "i-0123456789abcdef0";
    static final String ACCOUNT_ID = "123456789012";
    static final String REGION = "us-east-1";
    static final String AVAILABILITY_ZONE = "us-east-1a";
    static final String AVAILABILITY_ZONE_ID = "use1-az4";
    static final String AMI_ID = "ami-0abcdef1234567890";
    static final String INSTANCE_TYPE = "m5.large";
    static final String ARCHITECTURE = "x86_64";
    static final String ROLE_NAME = "ci-builder-role";
    static final String INSTANCE_PROFILE_ID = "AIPAQ3EGUWYXEXAMPLE01";
    static final String LOCAL_IPV4 = "10.0.1.23";
    static final String LOCAL_HOSTNAME = "ip-10-0-1-23.ec2.internal";
    static final String PUBLIC_IPV4 = "54.210.12.34";
    static final String PUBLIC_HOSTNAME = "ec2-54-210-12-34.compute-1.amazonaws.com";
    static final String MAC = "0e:49:61:0f:c3:11";
    static final String INTERFACE_ID = "eni-0a1b2c3d4e5f67890";
    static final String SUBNET_ID = "subnet-0a1b2c3d4e5f67890";
    static final String SUBNET_CIDR = "10.0.1.0/24";
    static final String VPC_ID = "vpc-0a1b2c3d4e5f67890";
    static final String VPC_CIDR = "10.0.0.0/16";
    static final String SECURITY_GROUP_ID = "sg-0a1b2c3d4e5f67890";
    static final String SECURITY_GROUP_NAME = "ci-builders";
    static final String RESERVATION_ID = "r-0fedcba9876543210";
    static final String KEY_NAME = "my-key";
    static final Instant PENDING_TIME = Instant.parse("2024-05-06T07:08:09Z");

    /** Seeded so the fake signatures stay the same from run to run. */
    private static final Random SIGNATURE_BYTES = new Random(0x1D5L);
    private static final String PKCS7 = base64Lines(1024);
    private static final String RSA2048 = base64Lines(1536);
    private static final String SIGNATURE = base64Lines(128);

    private InstanceIdentity() {
    }

    static String instanceProfileArn() {
        return "arn:aws:iam::" + ACCOUNT_ID + ":instance-profile/" + ROLE_NAME;
    }

    static String publicKey() {
        return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0dE1ZqX9c3tYbmS0vJ2hQm5d7pVn3f1Wk8rXy4Lz "
                + KEY_NAME;
    }

    /** The instance identity document as IMDS pretty-prints it under dynamic/. */
    static String identityDocument() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("accountId", ACCOUNT_ID);
        document.put("architecture", ARCHITECTURE);
        document.put("availabilityZone", AVAILABILITY_ZONE);
        document.put("billingProducts", null);
        document.put("devpayProductCodes", null);
        document.put("marketplaceProductCodes", null);
        document.put("imageId", AMI_ID);
        document.put("instanceId", INSTANCE_ID);
        document.put("instanceType", INSTANCE_TYPE);
        document.put("kernelId", null);
        document.put("pendingTime", ImdsTime.iso(PENDING_TIME));
        document.put("privateIp", LOCAL_IPV4);
        document.put("ramdiskId", null);
        document.put("region", REGION);
        document.put("version", "2017-09-30");
        return ImdsJson.pretty(document);
    }

    static String pkcs7() {
        return PKCS7;
    }

    static String rsa2048() {
        return RSA2048;
    }

    static String signature() {
        return SIGNATURE;
    }

    /** Starts like gzip and carries a 0xff so proxies must copy bytes, not decode text. */
    static byte[] userData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00});
        out.writeBytes(new byte[] {0x00, (byte) 0xff, (byte) 0xfe, (byte) 0x80, 0x00, 0x0a});
        out.writeBytes("#!/bin/bash\necho 'ci builder ready'\n".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String base64Lines(int byteCount) {
        byte[] raw = new byte[byteCount];
        SIGNATURE_BYTES.nextBytes(raw);
        return Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(raw);
    }
}
