package dev.jobledger.app.dashboard;

import io.swagger.v3.oas.annotations.Hidden;
import java.util.UUID;
import org.springframework.core.env.Environment;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's pages. They are shells without data: what a page shows comes from the fragments
 * ({@link DashboardFragments}) and the API, both asked with the viewer's token, so a page never shows more than its
 * viewer may read. How the viewer has a token depends on the sign-in: at the identity provider (a signed-in session,
 * which the pages then need), minted locally (local profile), or pasted.
 */
// HTML for the dashboard, not part of the API: kept out of the OpenAPI description.
@Hidden
@Controller
class DashboardPages {

    private final Environment environment;

    DashboardPages(Environment environment) {
        this.environment = environment;
    }

    @GetMapping("/")
    String root() {
        return "redirect:/dashboard";
    }

    @GetMapping("/dashboard")
    String jobs(Authentication viewer, Model model) {
        return page(viewer, model, "jobs");
    }

    @GetMapping("/dashboard/jobs/{jobId}")
    String job(@PathVariable UUID jobId, Authentication viewer, Model model) {
        model.addAttribute("jobId", jobId);
        return page(viewer, model, "job");
    }

    @GetMapping("/dashboard/operations")
    String operations(Authentication viewer, Model model) {
        return page(viewer, model, "operations");
    }

    /** Where a sign-out ends, and a sign-in that did not succeed (with the provider's or the service's error code). */
    @GetMapping("/dashboard/signed-out")
    String signedOut(@RequestParam(required = false) String error, Model model) {
        model.addAttribute("signIn", signIn());
        model.addAttribute("error", error == null ? null : SignInError.of(error));
        return "dashboard/signed-out";
    }

    private String page(Authentication viewer, Model model, String name) {
        model.addAttribute("view", name);
        String signIn = signIn();
        model.addAttribute("signIn", signIn);
        // Kept for the templates: only the local profile has the page that mints dev tokens.
        model.addAttribute("devSignIn", SignInMode.LOCAL.equals(signIn));
        if (SignInMode.PROVIDER.equals(signIn) && viewer != null) {
            // The page knows its viewer from the session's token; the browser never sees the token itself.
            model.addAttribute("user", viewer.getName());
            model.addAttribute("admin", DashboardFragments.viewer(viewer).admin());
        }
        return "dashboard/" + name;
    }

    private String signIn() {
        if (StringUtils.hasText(environment.getProperty("jobledger.security.dashboard.client-id"))) {
            return SignInMode.PROVIDER;
        }
        return environment.matchesProfiles("local") ? SignInMode.LOCAL : SignInMode.TOKEN;
    }
}
