package dev.asyncgateway.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/** The callback settings of one project of an account; jobs name their project with the {@code project} field. */
@Entity
@Table(name = "project_webhook")
@IdClass(ProjectWebhook.Key.class)
public class ProjectWebhook {

    @Id
    @Column(name = "account_id")
    public UUID accountId;

    @Id
    @Column(columnDefinition = "text")
    public String project;

    @Column(columnDefinition = "text")
    public String url;

    /** JSON array of {@code {"key","value"}} headers, or null. */
    @Column(columnDefinition = "text")
    public String headers;

    @Column(columnDefinition = "text")
    public String encoding;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** The primary key: account and project name. */
    public static class Key implements Serializable {
        public UUID accountId;
        public String project;

        public Key() {
        }

        public Key(UUID accountId, String project) {
            this.accountId = accountId;
            this.project = project;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(accountId, key.accountId) && Objects.equals(project, key.project);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, project);
        }
    }
}
