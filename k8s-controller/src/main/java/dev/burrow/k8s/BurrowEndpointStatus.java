package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** What became of a {@link BurrowEndpoint}: its public URL once bound, and a {@code Ready} condition saying why not. */
public class BurrowEndpointStatus {
    private String url;
    private List<Condition> conditions = new ArrayList<>();

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
