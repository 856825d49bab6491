package dev.jobledger.app.dashboard;

import io.swagger.v3.oas.annotations.Hidden;
import java.util.UUID;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The dashboard's pages. They are shells without data, open to anyone: what a page shows comes from the fragments
 * ({@link DashboardFragments}) and the API, both asked with the viewer's bearer token, so a page never shows more than
 * its viewer may read.
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
    String jobs(Model model) {
        return page(model, "jobs");
    }

    @GetMapping("/dashboard/jobs/{jobId}")
    String job(@PathVariable UUID jobId, Model model) {
        model.addAttribute("jobId", jobId);
        return page(model, "job");
    }

    @GetMapping("/dashboard/operations")
    String operations(Model model) {
        return page(model, "operations");
    }

    private String page(Model model, String name) {
        model.addAttribute("view", name);
        // Only the local profile has the page that mints dev tokens; elsewhere a token is pasted (or comes from OIDC).
        model.addAttribute("devSignIn", environment.matchesProfiles("local"));
        return "dashboard/" + name;
    }
}
