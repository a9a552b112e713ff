package dev.asyncgateway.store;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ProjectWebhookRepository implements PanacheRepositoryBase<ProjectWebhook, ProjectWebhook.Key> {
}
