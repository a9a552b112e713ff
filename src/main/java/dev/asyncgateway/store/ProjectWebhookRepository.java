package dev.asyncgateway.store;

import dev.asyncgateway.callback.ProjectWebhook;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ProjectWebhookRepository implements PanacheRepositoryBase<ProjectWebhook, ProjectWebhook.Key> {
}
