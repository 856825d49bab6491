package dev.jobledger.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a browser does for a sign-in, over real HTTP: keeps each host's cookies, follows redirects one by one (so that a
 * test can look at each), submits forms. No script runs; the dashboard's own pages are read as HTML.
 */
public final class HttpBrowser {

    private static final int MAX_REDIRECTS = 10;
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern CSRF_META = Pattern.compile("name=\"jobledger-csrf-token\" content=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    /** host -> cookie name -> value (a browser scopes cookies by host, not port); the cookies here have no Domain and the path /. */
    private final Map<String, Map<String, String>> cookies = new ConcurrentHashMap<>();

    /** One step: the request's URL and its answer. */
    public record Step(URI url, HttpResponse<String> response) {

        public int status() {
            return response.statusCode();
        }

        public String location() {
            return response.headers().firstValue("Location").orElse(null);
        }

        public String body() {
            return response.body();
        }

        /** The page's CSRF token: a form's hidden field, or the dashboard's meta element. */
        public String csrfToken() {
            Matcher input = CSRF_INPUT.matcher(body());
            if (input.find()) {
                return input.group(1);
            }
            Matcher meta = CSRF_META.matcher(body());
            if (meta.find()) {
                return meta.group(1);
            }
            throw new AssertionError("No CSRF token on " + url + ":\n" + body());
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    /** A navigation: every request of it, redirects included, in order. */
    public record Navigation(List<Step> steps) {

        public Step last() {
            return steps.get(steps.size() - 1);
        }

        public Step first() {
            return steps.get(0);
        }

        public List<URI> urls() {
            return steps.stream().map(Step::url).toList();
        }
    }

    /** A GET as a browser navigates: Accept text/html, this host's cookies, redirects followed. */
    public Navigation open(String url) {
        return follow(send(page(URI.create(url)).GET()));
    }

    /** A form submission (application/x-www-form-urlencoded), redirects followed. */
    public Navigation submit(String url, Map<String, String> fields) {
        String form = fields.entrySet().stream()
                .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
        return follow(send(page(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))));
    }

    /** A request as the dashboard's script makes it: with the cookies, JSON body, extra headers; no redirects. */
    public Step call(String method, String url, String json, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Accept", "application/json, text/html");
        withCookies(request, URI.create(url));
        headers.forEach(request::header);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return send(request);
    }

    /** The cookies this browser holds for a host. */
    public Map<String, String> cookiesOf(URI url) {
        return Map.copyOf(cookies.getOrDefault(hostOf(url), Map.of()));
    }

    private Navigation follow(Step first) {
        List<Step> steps = new ArrayList<>(List.of(first));
        Step step = first;
        while (step.status() / 100 == 3 && step.location() != null) {
            if (steps.size() > MAX_REDIRECTS) {
                throw new AssertionError(
                        "Too many redirects: " + steps.stream().map(Step::url).toList());
            }
            step = send(page(step.url().resolve(step.location())).GET());
            steps.add(step);
        }
        return new Navigation(steps);
    }

    private HttpRequest.Builder page(URI url) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(20))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        withCookies(request, url);
        return request;
    }

    private void withCookies(HttpRequest.Builder request, URI url) {
        Map<String, String> jar = cookies.getOrDefault(hostOf(url), Map.of());
        if (!jar.isEmpty()) {
            request.header(
                    "Cookie",
                    jar.entrySet().stream()
                            .map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                            .collect(Collectors.joining("; ")));
        }
    }

    private Step send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            keepCookies(built.uri(), response);
            return new Step(built.uri(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void keepCookies(URI url, HttpResponse<String> response) {
        Map<String, String> jar = cookies.computeIfAbsent(hostOf(url), host -> new LinkedHashMap<>());
        for (String header : response.headers().allValues("Set-Cookie")) {
            String[] attributes = header.split(";");
            String[] pair = attributes[0].split("=", 2);
            boolean expired = false;
            for (String attribute : attributes) {
                String trimmed = attribute.trim().toLowerCase(java.util.Locale.ROOT);
                if (trimmed.equals("max-age=0") || trimmed.startsWith("expires=thu, 01 jan 1970")) {
                    expired = true;
                }
            }
            if (expired || pair.length < 2 || pair[1].isEmpty()) {
                jar.remove(pair[0].trim());
            } else {
                jar.put(pair[0].trim(), pair[1].trim());
            }
        }
    }

    private static String hostOf(URI url) {
        return url.getHost();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
