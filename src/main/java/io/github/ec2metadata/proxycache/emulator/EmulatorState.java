package io.github.ec2metadata.proxycache.emulator;

/** Everything one emulator instance remembers, so the IMDS side and the control API share it. */
final class EmulatorState {

    final EmulatorSettings settings = new EmulatorSettings();
    final ImdsTokens tokens = new ImdsTokens();
    final CredentialIssuer credentials = new CredentialIssuer();
    final SpotNotice spotNotice = new SpotNotice();
    final RequestCounter counter = new RequestCounter();
    final MetadataTree tree = new MetadataTree(credentials, spotNotice);

    /** Back to a freshly started emulator, except that credentials are new. */
    void reset() {
        settings.reset();
        tokens.forgetAll();
        credentials.reset();
        spotNotice.clear();
        counter.clear();
    }
}
