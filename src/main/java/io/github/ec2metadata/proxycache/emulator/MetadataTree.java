package io.github.ec2metadata.proxycache.emulator;

import static io.github.ec2metadata.proxycache.emulator.InstanceIdentity.*;

import io.github.ec2metadata.proxycache.emulator.MetadataNode.Directory;
import io.github.ec2metadata.proxycache.emulator.MetadataNode.Leaf;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The IMDS path space of the emulated instance: versions, meta-data, dynamic and user-data. */
final class MetadataTree {

    /** What {@code GET /} lists; every dated version serves the same tree as latest. */
    static final List<String> VERSIONS = List.of("1.0", "2007-01-19", "2007-03-01",
            "2008-02-01", "2009-04-04", "2012-01-12", "2014-02-25", "2016-09-02",
            "2018-09-24", "2020-10-27", "2021-03-23", "2021-07-15", "2022-09-24", "latest");

    private final CredentialIssuer credentials;
    private final SpotNotice spotNotice;
    private final Directory versionRoot;

    MetadataTree(CredentialIssuer credentials, SpotNotice spotNotice) {
        this.credentials = credentials;
        this.spotNotice = spotNotice;
        // IMDS lists the version root without trailing slashes: dynamic, meta-data, user-data.
        this.versionRoot = new Directory()
                .add("dynamic", dynamic(new Directory("dynamic")))
                .add("meta-data", metaData(new Directory("meta-data")))
                .add("user-data", new Leaf(ImdsAnswer.BINARY, () -> true,
                        withToken -> InstanceIdentity.userData()));
    }

    static boolean isVersion(String segment) {
        return VERSIONS.contains(segment);
    }

    /** Answers a read of a raw path; a trailing slash is optional on directories and leaves. */
    ImdsAnswer read(String path, boolean withToken) {
        if (path.equals("/")) {
            return ImdsAnswer.text(String.join("\n", VERSIONS));
        }
        String relative = path.substring(1);
        if (relative.endsWith("/")) {
            relative = relative.substring(0, relative.length() - 1);
        }
        String[] segments = relative.split("/", -1);
        if (!isVersion(segments[0])) {
            return ImdsAnswer.error(404);
        }
        MetadataNode node = versionRoot;
        for (int i = 1; i < segments.length && node != null; i++) {
            node = node instanceof Directory directory ? directory.child(segments[i]) : null;
        }
        return node != null && node.present() ? answer(node, withToken) : ImdsAnswer.error(404);
    }

    private static ImdsAnswer answer(MetadataNode node, boolean withToken) {
        if (node instanceof Directory directory) {
            return ImdsAnswer.text(directory.listing());
        }
        Leaf leaf = (Leaf) node;
        return ImdsAnswer.bytes(leaf.contentType(), leaf.content().read(withToken));
    }

    private Directory dynamic(Directory dynamic) {
        return dynamic.add("instance-identity", new Directory()
                .text("document", InstanceIdentity.identityDocument())
                .text("pkcs7", InstanceIdentity.pkcs7())
                .text("rsa2048", InstanceIdentity.rsa2048())
                .text("signature", InstanceIdentity.signature()));
    }

    private Directory metaData(Directory metaData) {
        return metaData
                .text("ami-id", AMI_ID)
                .text("ami-launch-index", "0")
                .text("ami-manifest-path", "(unknown)")
                .add("autoscaling", new Directory().text("target-lifecycle-state", "InService"))
                .add("block-device-mapping", new Directory()
                        .text("ami", "/dev/xvda")
                        .text("root", "/dev/xvda"))
                .add("events", events())
                .text("hostname", LOCAL_HOSTNAME)
                .add("iam", iam())
                .add("identity-credentials", identityCredentials())
                .text("instance-action", "none")
                .text("instance-id", INSTANCE_ID)
                .text("instance-life-cycle", "spot")
                .text("instance-type", INSTANCE_TYPE)
                .text("local-hostname", LOCAL_HOSTNAME)
                .text("local-ipv4", LOCAL_IPV4)
                .text("mac", MAC)
                .add("network", new Directory().add("interfaces", new Directory()
                        .add("macs", new Directory().add(MAC, networkInterface()))))
                .add("placement", new Directory()
                        .text("availability-zone", AVAILABILITY_ZONE)
                        .text("availability-zone-id", AVAILABILITY_ZONE_ID)
                        .text("region", REGION))
                .text("profile", "default-hvm")
                .text("public-hostname", PUBLIC_HOSTNAME)
                .text("public-ipv4", PUBLIC_IPV4)
                .add("public-keys", new Directory().add("0", new Directory("0=" + KEY_NAME)
                        .text("openssh-key", InstanceIdentity.publicKey())))
                .text("reservation-id", RESERVATION_ID)
                .text("security-groups", SECURITY_GROUP_NAME)
                .add("services", new Directory()
                        .text("domain", "amazonaws.com")
                        .text("partition", "aws"))
                .add("spot", spot())
                .add("tags", new Directory().add("instance", new Directory()
                        .text("Name", "ci-builder-7")
                        .text("team", "platform")));
    }

    private Directory events() {
        return new Directory()
                .add("maintenance", new Directory()
                        .text("history", "[]")
                        .text("scheduled", "[]"))
                .add("recommendations", new Directory()
                        .add("rebalance", Leaf.textWhen(spotNotice::active,
                                spotNotice::rebalanceJson)));
    }

    private Directory spot() {
        return new Directory()
                .add("instance-action", Leaf.textWhen(spotNotice::active,
                        spotNotice::instanceActionJson))
                .add("termination-time", Leaf.textWhen(spotNotice::active,
                        () -> ImdsTime.iso(spotNotice.terminationTime().orElseThrow())));
    }

    private Directory iam() {
        return new Directory()
                .add("info", Leaf.perCaller(withToken -> utf8(iamInfo(withToken))))
                .add("security-credentials", new Directory()
                        .add(ROLE_NAME, Leaf.perCaller(withToken -> utf8(
                                credentialsJson(CredentialIssuer.Kind.ROLE, withToken)))));
    }

    private Directory identityCredentials() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("Code", "Success");
        info.put("LastUpdated", ImdsTime.iso(PENDING_TIME));
        info.put("AccountId", ACCOUNT_ID);
        return new Directory().add("ec2", new Directory()
                .text("info", ImdsJson.pretty(info))
                .add("security-credentials", new Directory()
                        .add("ec2-instance", Leaf.perCaller(withToken -> utf8(
                                credentialsJson(CredentialIssuer.Kind.IDENTITY, withToken))))));
    }

    private static Directory networkInterface() {
        return new Directory()
                .text("device-number", "0")
                .text("interface-id", INTERFACE_ID)
                .add("ipv4-associations", new Directory().text(PUBLIC_IPV4, LOCAL_IPV4))
                .text("local-hostname", LOCAL_HOSTNAME)
                .text("local-ipv4s", LOCAL_IPV4)
                .text("mac", MAC)
                .text("owner-id", ACCOUNT_ID)
                .text("public-hostname", PUBLIC_HOSTNAME)
                .text("public-ipv4s", PUBLIC_IPV4)
                .text("security-group-ids", SECURITY_GROUP_ID)
                .text("security-groups", SECURITY_GROUP_NAME)
                .text("subnet-id", SUBNET_ID)
                .text("subnet-ipv4-cidr-block", SUBNET_CIDR)
                .text("vpc-id", VPC_ID)
                .text("vpc-ipv4-cidr-block", VPC_CIDR)
                .text("vpc-ipv4-cidr-blocks", VPC_CIDR);
    }

    /** The role credential document a v1 or v2 caller would read right now. */
    String credentialsJson(CredentialIssuer.Kind kind, boolean withToken) {
        return credentials.current(kind, withToken).toImdsJson();
    }

    private String iamInfo(boolean withToken) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("Code", "Success");
        info.put("LastUpdated", ImdsTime.iso(credentials.roleLastUpdated(withToken)));
        info.put("InstanceProfileArn", InstanceIdentity.instanceProfileArn());
        info.put("InstanceProfileId", INSTANCE_PROFILE_ID);
        return ImdsJson.pretty(info);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
