package dev.jobledger.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.testing.Tokens;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.Jwt;

/** The local sign-in: present only in the local profile, and its tokens are what the service's decoder accepts. */
class DevSignInTest {

    private final SecuritySettings local = new SecuritySettings(null, null, null, Tokens.TEST_SECRET);

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withBean(SecuritySettings.class, () -> local)
                .withUserConfiguration(DevSignIn.class);
    }

    @Test
    void existsInTheLocalProfile() {
        runner().withInitializer(context -> context.getEnvironment().setActiveProfiles("local"))
                .run(context -> assertThat(context).hasSingleBean(DevSignIn.class));
    }

    @Test
    void doesNotExistInAnyOtherProfile() {
        runner().run(context -> assertThat(context).doesNotHaveBean(DevSignIn.class));
        runner().withInitializer(context -> context.getEnvironment().setActiveProfiles("prod", "aws"))
                .run(context -> assertThat(context).doesNotHaveBean(DevSignIn.class));
    }

    @Test
    void mintsATokenForTheChosenUserAndPermissionsThatTheServiceAccepts() {
        DevSignIn.DevToken minted = new DevSignIn(local).mint("carol", List.of("job:Read", "job:Admin"));

        Jwt decoded = JwtDecoders.from(local).decode(minted.token());

        assertThat(decoded.getSubject()).isEqualTo("carol");
        assertThat(decoded.getClaimAsStringList("permissions")).containsExactly("job:Read", "job:Admin");
        assertThat(decoded.getExpiresAt())
                .isEqualTo(minted.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
}
