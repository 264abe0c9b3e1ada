package io.github.ec2metadata.proxycache.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Denied path patterns hold however a client spells the path. */
class DeniedPathsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "user-data | /latest/user-data | true",
        "user-data | /latest/user-data/ | true",
        "user-data | /2021-07-15/user-data | true",
        "user-data | /latest/user-data?x=1 | true",
        "user-data | /latest/user-data#x | true",
        "user-data | /latest/USER-DATA | true",
        "user-data | /latest/%75ser-data | true",
        "user-data | /latest/%2575ser-data | true",
        "user-data | /latest//user-data | true",
        "user-data | /latest/./user-data | true",
        "user-data | /latest/x/../user-data | true",
        "user-data | /latest/x%2F..%2Fuser-data | true",
        "user-data | /latest\\user-data | true",
        "user-data | /latest/meta-data/ | false",
        "user-data | /latest/user-data-extra | false",
        "user-data | /latest/user-data%3F | false",
        "user-data | /latest | false",
        "user-data | / | false",
        "meta-data/tags/** | /latest/meta-data/tags/instance/Name | true",
        "meta-data/tags/** | /latest/meta-data/tags | true",
        "meta-data/tags/** | /latest/meta-data/tagsx | false",
        "'**,!meta-data/iam/**' | /latest/meta-data/iam/security-credentials/role | false",
        "'**,!meta-data/iam/**' | /latest/meta-data/iam/ | false",
        "'**,!meta-data/iam/**' | /latest/meta-data/instance-id | true",
        "'**,!meta-data/iam/**' | /latest/user-data | true",
        "'**,!meta-data/iam/**' | / | true",
        "'**,!meta-data/iam/**' | /latest/meta-data/iam/../../user-data | true",
    })
    void refusesWhatAPatternMatchesInAnySpelling(String patterns, String target,
            boolean denied) {
        DeniedPaths rules = DeniedPaths.compile(List.of(patterns.split(",")));

        assertEquals(denied, rules.denies(target), target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/user-data", "", "!meta-data/iam/**"})
    void refusesPatternsThatCannotWork(String pattern) {
        assertThrows(IllegalArgumentException.class,
                () -> DeniedPaths.compile(List.of(pattern)));
    }
}
