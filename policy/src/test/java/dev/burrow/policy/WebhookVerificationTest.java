package dev.burrow.policy;

import dev.burrow.policy.actions.webhook.WebhookDelivery;
import dev.burrow.policy.actions.webhook.WebhookProviders;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * verify-webhook's provider schemes against each provider's published example (GitHub, Slack, Twilio, Standard
 * Webhooks) or a signature computed here the way the provider's documentation says (Stripe, Shopify, GitLab), and the
 * action's answers: 403 for a forged or replayed delivery, 413 past the body limit, the result for later rules.
 */
class WebhookVerificationTest {
    private static final long NOW = 1_765_000_000L;
    private final PolicyHarness harness = new PolicyHarness();

    private static String check(String provider, String secret, String body, long now, String target, String... headers) {
        PolicyRequest request = PolicyHarness.request("POST", target);
        for (String header : headers) {
            String name = header.substring(0, header.indexOf(':'));
            if (name.equalsIgnoreCase("host")) {
                request.removeHeader("host");
            }
            request.addHeader(name, header.substring(header.indexOf(':') + 1).strip());
        }
        return WebhookProviders.scheme(provider, secret)
                .check(new WebhookDelivery(request, body.getBytes(StandardCharsets.UTF_8), now));
    }

    private static byte[] hmac(String algorithm, byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key, algorithm));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void gitHubsPublishedExampleVerifiesAndAChangedBodyDoesNot() {
        String signature = "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertNull(check("github", "It's a Secret to Everybody", "Hello, World!", NOW, "/", signature));
        assertNotNull(check("github", "It's a Secret to Everybody", "Hello, World?", NOW, "/", signature));
        assertNotNull(check("github", "another secret", "Hello, World!", NOW, "/", signature));
        assertNotNull(check("github", "It's a Secret to Everybody", "Hello, World!", NOW, "/"));
    }

    @Test
    void slacksPublishedExampleVerifiesWithinFiveMinutesOnly() {
        String body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        String[] headers = {"X-Slack-Request-Timestamp: 1531420618",
                "X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"};
        String secret = "8f742231b10e8888abcd99yyyzzz85a5";
        assertNull(check("slack", secret, body, 1531420618L + 60, "/", headers));
        assertTrue(check("slack", secret, body, 1531420618L + 301, "/", headers).contains("300 s"), "a replay is refused");
        assertNotNull(check("slack", secret, body.replace("foobar", "foobaz"), 1531420618L, "/", headers));
    }

    @Test
    void standardWebhooksSpecificationExampleVerifiesUnderBothHeaderNames() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String body = "{\"test\": 2432232314}";
        long sent = 1614265330L;
        assertNull(check("standard_webhooks", secret, body, sent, "/", "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
                "webhook-timestamp: 1614265330", "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assertNull(check("svix", secret, body, sent + 299, "/", "svix-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
                "svix-timestamp: 1614265330",
                "svix-signature: v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), "any listed signature");
        assertNotNull(check("svix", secret, body, sent + 301, "/", "svix-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
                "svix-timestamp: 1614265330", "svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assertNotNull(check("svix", secret, body, sent - 301, "/", "svix-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
                "svix-timestamp: 1614265330", "svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
                "a timestamp from the future is refused too");
        assertNotNull(check("svix", secret, "{\"test\": 2432232315}", sent, "/", "svix-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
                "svix-timestamp: 1614265330", "svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
        assertNotNull(check("svix", secret, body, sent, "/", "svix-id: msg_other",
                "svix-timestamp: 1614265330", "svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }

    @Test
    void twiliosPublishedExampleVerifiesAsAFormPostAndAJsonBodyIsBoundByItsDigest() throws Exception {
        String form = "To=%2B18005551212&CallSid=CA1234567890ABCDE&Digits=1234&From=%2B12349013030&Caller=%2B12349013030";
        String[] headers = {"Host: mycompany.com", "Content-Type: application/x-www-form-urlencoded",
                "X-Twilio-Signature: 0/KCTR6DLpKmkAf8muzZqo1nDgQ="};
        assertNull(check("twilio", "12345", form, NOW, "/myapp.php?foo=1&bar=2", headers));
        assertNotNull(check("twilio", "12345", form.replace("1234&", "9999&"), NOW, "/myapp.php?foo=1&bar=2", headers));
        assertNotNull(check("twilio", "12345", form, NOW, "/myapp.php?foo=1&bar=3", headers));

        String json = "{\"event\":\"call.completed\"}";
        String digest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(json.getBytes(StandardCharsets.UTF_8)));
        String target = "/hook?bodySHA256=" + digest;
        String signature = Base64.getEncoder().encodeToString(hmac("HmacSHA1", "token".getBytes(StandardCharsets.UTF_8),
                "https://demo.localhost" + target));
        String[] jsonHeaders = {"Content-Type: application/json", "X-Twilio-Signature: " + signature};
        assertNull(check("twilio", "token", json, NOW, target, jsonHeaders));
        assertNotNull(check("twilio", "token", json + " ", NOW, target, jsonHeaders));
    }

    @Test
    void stripeAcceptsAnyV1OfAFreshTimestampAndRefusesAReplay() throws Exception {
        String body = "{\"id\":\"evt_1\",\"type\":\"charge.succeeded\"}";
        String secret = "whsec_stripe_test_secret";
        String v1 = HexFormat.of().formatHex(hmac("HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), NOW + "." + body));
        String header = "Stripe-Signature: t=" + NOW + ",v1=" + "0".repeat(64) + ",v1=" + v1 + ",v0=abc";
        assertNull(check("stripe", secret, body, NOW + 10, "/", header));
        assertTrue(check("stripe", secret, body, NOW + 301, "/", header).contains("300 s"));
        assertNotNull(check("stripe", secret, body.replace("evt_1", "evt_2"), NOW, "/", header));
    }

    @Test
    void shopifySignsTheBodyInBase64AndGitLabSendsItsToken() throws Exception {
        assertNull(check("shopify", "shop-secret", "{\"id\":1}", NOW, "/",
                "X-Shopify-Hmac-Sha256: plW8VGqq0nDMIEhDqaNNW99asdUCy7EIqLZVcQwtAZ0="));
        assertNotNull(check("shopify", "shop-secret", "{\"id\":2}", NOW, "/",
                "X-Shopify-Hmac-Sha256: plW8VGqq0nDMIEhDqaNNW99asdUCy7EIqLZVcQwtAZ0="));
        assertNull(check("gitlab", "glt-secret", "{}", NOW, "/", "X-Gitlab-Token: glt-secret"));
        assertNotNull(check("gitlab", "glt-secret", "{}", NOW, "/", "X-Gitlab-Token: glt-secreT"));
    }

    @Test
    void theActionAnswers403ToAForgedDeliveryAnd413PastTheLimit() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions: [{type: verify-webhook, config: {provider: github, secret: "It's a Secret to Everybody"}}]
                """);
        PolicyRequest genuine = PolicyHarness.request("POST", "/hook",
                "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
                .withBody(() -> Future.succeededFuture(Buffer.buffer("Hello, World!")));
        assertEquals(Verdict.PROCEED, harness.decide(policy, "192.0.2.1", genuine));
        PolicyRequest forged = PolicyHarness.request("POST", "/hook",
                "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
                .withBody(() -> Future.succeededFuture(Buffer.buffer("Hello, World?")));
        Verdict refused = harness.decide(policy, "192.0.2.1", forged);
        assertEquals(403, PolicyHarness.status(refused));
        assertEquals("verify-webhook", ((Verdict.Respond) refused).action());
        PolicyRequest huge = PolicyHarness.request("POST", "/hook")
                .withBody(() -> Future.failedFuture(new RequestBody.TooLarge()));
        assertEquals(413, PolicyHarness.status(harness.decide(policy, "192.0.2.1", huge)));
    }

    @Test
    void withoutEnforceALaterRuleSeesTheResult() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions: [{type: verify-webhook, config: {provider: gitlab, secret: s3cret, enforce: false}}]
                  - expressions: ["!actions.ngrok.verify_webhook.verified"]
                    actions: [{type: custom-response, config: {status_code: 418, body: "${actions.ngrok.verify_webhook.error.code}"}}]
                """);
        Verdict verdict = harness.decide(policy, "192.0.2.1", PolicyHarness.request("POST", "/", "X-Gitlab-Token: nope"));
        assertEquals(418, PolicyHarness.status(verdict));
        assertEquals("invalid_signature", PolicyHarness.body(verdict));
        assertEquals(Verdict.PROCEED, harness.decide(policy, "192.0.2.1",
                PolicyHarness.request("POST", "/", "X-Gitlab-Token: s3cret")));
    }

    @Test
    void theDocumentedExamplesOfBothActionsCompile() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "traffic-policy.md"));
        String sections = section(doc, "### `jwt-validation`") + section(doc, "### `verify-webhook`");
        java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("```yaml\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(sections);
        int compiled = 0;
        while (blocks.find()) {
            assertTrue(harness.compile(blocks.group(1)).toString() != null);
            compiled++;
        }
        assertEquals(2, compiled);
    }

    private static String section(String doc, String heading) {
        int start = doc.indexOf(heading);
        return doc.substring(start, doc.indexOf("\n### ", start + 1));
    }

    @Test
    void anUnknownProviderOrAMalformedSvixSecretIsRefusedAtCompileTime() {
        assertTrue(PolicyHarness.refusal("""
                on_http_request:
                  - actions: [{type: verify-webhook, config: {provider: acme, secret: x}}]
                """).problem().contains("'acme' is not a provider Burrow verifies; known: github, gitlab,"));
        assertTrue(PolicyHarness.refusal("""
                on_http_request:
                  - actions: [{type: verify-webhook, config: {provider: svix, secret: "whsec_not base64!"}}]
                """).problem().contains("whsec_"));
        assertTrue(PolicyHarness.refusal("""
                on_tcp_connect:
                  - actions: [{type: verify-webhook, config: {provider: github, secret: x}}]
                """).problem().contains("verify-webhook"));
    }
}
