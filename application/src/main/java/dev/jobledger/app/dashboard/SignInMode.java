package dev.jobledger.app.dashboard;

/** How the dashboard's viewer comes by a token: the names the templates and the script read. */
final class SignInMode {

    /** OIDC at the identity provider; the token stays in the server-side session. */
    static final String PROVIDER = "provider";
    /** The local profile's page that mints dev tokens, kept in the tab's sessionStorage. */
    static final String LOCAL = "local";
    /** A bearer token pasted into the page, kept in the tab's sessionStorage. */
    static final String TOKEN = "token";

    private SignInMode() {}
}
