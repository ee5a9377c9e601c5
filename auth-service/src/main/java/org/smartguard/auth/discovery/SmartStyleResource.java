package org.smartguard.auth.discovery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /auth/smart-style.json}: the styling hints an app may use to blend in (SMART {@code context-style}),
 * the document every token response points to with {@code smart_style_url}.
 */
@Path("/smart-style.json")
public class SmartStyleResource {

    private static final Map<String, Object> STYLE = defaults();

    @GET
    public Response style() {
        return DiscoveryResource.json(STYLE);
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> style = new LinkedHashMap<>();
        style.put("color_background", "#f6f7f9");
        style.put("color_error", "#b3261e");
        style.put("color_highlight", "#1a5fb4");
        style.put("color_modal_backdrop", "");
        style.put("color_success", "#2e7d32");
        style.put("color_text", "#1f2328");
        style.put("dim_border_radius", "6px");
        style.put("dim_font_size", "14px");
        style.put("dim_spacing_size", "16px");
        style.put("font_family_body", "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif");
        style.put("font_family_heading", "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif");
        return Collections.unmodifiableMap(style);
    }
}
