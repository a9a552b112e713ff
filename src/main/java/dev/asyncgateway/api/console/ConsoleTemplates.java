package dev.asyncgateway.api.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The console's pages, under {@code templates/console/}. Type-safe: the build checks every expression against
 * these parameter types, and the value resolvers are generated then (no reflection in the native image).
 */
@CheckedTemplate(basePath = "console")
final class ConsoleTemplates {

    private ConsoleTemplates() {
    }

    static native TemplateInstance signIn(ConsoleViews.SignInView view);

    static native TemplateInstance error(ConsoleViews.ErrorView view);

    static native TemplateInstance jobs(ConsoleViews.JobsView view);

    static native TemplateInstance job(ConsoleViews.JobPageView view);

    static native TemplateInstance webhooks(ConsoleViews.WebhooksView view);

    static native TemplateInstance overview(ConsoleViews.OverviewView view);

    static native TemplateInstance operator(ConsoleViews.OperatorView view);
}
