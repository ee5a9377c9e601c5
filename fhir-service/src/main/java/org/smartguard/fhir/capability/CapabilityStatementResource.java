package org.smartguard.fhir.capability;

import java.util.Date;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.errors.OperationOutcomeMapper;
import org.smartguard.fhir.search.SearchCapabilities;
import org.smartguard.fhir.search.SearchParameters;

import ca.uhn.fhir.context.RuntimeSearchParam;

/**
 * {@code GET /fhir/metadata}: what this server really implements, built from the same definitions the REST layer
 * uses (every R4 type, the interactions that exist, the indexed search parameters), with the SMART security service and the legacy
 * {@code oauth-uris} extension that older SMART clients still read. Public: clients read it before they have a token.
 */
@Path("/metadata")
public class CapabilityStatementResource {

    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
    /** Bulk Data Access IG v2.0: the server statement this one instantiates and the three export operations. */
    static final String BULK_DATA = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data";
    static final String BULK_OPERATIONS = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/";
    /** R4's definition of {@code Patient/{id}/$everything}, which this server implements (SearchService.everything). */
    static final String PATIENT_EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything";
    private static final TypeRestfulInteraction[] INTERACTIONS = {TypeRestfulInteraction.READ, TypeRestfulInteraction.VREAD,
            TypeRestfulInteraction.HISTORYINSTANCE, TypeRestfulInteraction.CREATE, TypeRestfulInteraction.UPDATE,
            TypeRestfulInteraction.PATCH, TypeRestfulInteraction.DELETE, TypeRestfulInteraction.SEARCHTYPE,
            TypeRestfulInteraction.HISTORYTYPE};

    private final String json;

    CapabilityStatementResource(PublicUrls urls, SearchParameters parameters, SearchCapabilities search) {
        this.json = FhirR4.context().newJsonParser().encodeResourceToString(build(urls, parameters, search));
    }

    /** FHIR JSON, or XML when asked for ({@code FhirFormatFilter}): discovery must not fail on a browser's Accept. */
    @GET
    public Response metadata() {
        return Response.ok(json, OperationOutcomeMapper.FHIR_JSON).build();
    }

    private static CapabilityStatement build(PublicUrls urls, SearchParameters parameters, SearchCapabilities search) {
        CapabilityStatement statement = new CapabilityStatement()
                .setStatus(PublicationStatus.ACTIVE)
                .setDate(new Date())
                .setKind(CapabilityStatementKind.INSTANCE)
                .setFhirVersion(FHIRVersion._4_0_1)
                .setName("SmartGuardFhirServer")
                .setPublisher("SMART Guard");
        statement.addInstantiates(BULK_DATA);
        statement.addFormat("application/fhir+json").addFormat("json").addFormat("application/fhir+xml").addFormat("xml");
        statement.getImplementation().setDescription("SMART Guard FHIR R4 server").setUrl(urls.fhirBase());
        CapabilityStatementRestComponent rest = statement.addRest().setMode(RestfulCapabilityMode.SERVER);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.HISTORYSYSTEM);
        rest.getSecurity().setCors(true).addService(new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
        Extension oauth = rest.getSecurity().addExtension().setUrl(OAUTH_URIS);
        oauth.addExtension("authorize", new UriType(urls.auth("/authorize")));
        oauth.addExtension("token", new UriType(urls.auth("/token")));
        oauth.addExtension("introspect", new UriType(urls.auth("/introspect")));
        oauth.addExtension("revoke", new UriType(urls.auth("/revoke")));
        oauth.addExtension("register", new UriType(urls.auth("/register")));
        search.describe(rest);
        rest.addOperation().setName("export").setDefinition(BULK_OPERATIONS + "export");
        for (String type : FhirR4.context().getResourceTypes().stream().sorted().toList()) {
            CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type)
                    .setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONED)
                    .setReadHistory(true)
                    .setUpdateCreate(true)
                    .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
            for (TypeRestfulInteraction interaction : INTERACTIONS) {
                resource.addInteraction().setCode(interaction);
            }
            resource.setConditionalCreate(true);
            resource.addSearchParam().setName("_id").setType(Enumerations.SearchParamType.TOKEN);
            resource.addSearchParam().setName("_lastUpdated").setType(Enumerations.SearchParamType.DATE);
            for (RuntimeSearchParam param : parameters.of(type)) {
                if (!param.getName().startsWith("_")) {
                    resource.addSearchParam().setName(param.getName())
                            .setType(Enumerations.SearchParamType.fromCode(param.getParamType().getCode()));
                }
            }
            search.describe(type, resource);
            if (type.equals("Patient")) {
                resource.addOperation().setName("everything").setDefinition(PATIENT_EVERYTHING);
            }
            if (type.equals("Patient") || type.equals("Group")) {
                resource.addOperation().setName("export").setDefinition(BULK_OPERATIONS + type.toLowerCase(java.util.Locale.ROOT) + "-export");
            }
        }
        return statement;
    }
}
