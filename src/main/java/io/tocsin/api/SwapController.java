package io.tocsin.api;

import io.tocsin.config.LiveSchedules;
import io.tocsin.config.Rotas;
import io.tocsin.store.SwapRequest;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Shift swaps: requested by one person, accepted (becomes an override) or declined by the other. */
@RestController
class SwapController {
    record SwapBody(String layer, String requester, String counterpart, String start, String end) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            String from = errors.required("requester", requester);
            String to = errors.required("counterpart", counterpart);
            if (from != null && from.equals(to)) {
                errors.add("counterpart", "must be someone other than the requester");
            }
            errors.ordered(errors.instant("start", start), errors.instant("end", end));
        }
    }

    private final LiveSchedules schedules;
    private final Rotas rotas;

    private final io.tocsin.incident.Permissions permissions;

    SwapController(LiveSchedules schedules, Rotas rotas, io.tocsin.incident.Permissions permissions) {
        this.permissions = permissions;
        this.schedules = schedules;
        this.rotas = rotas;
    }

    @PostMapping("/api/v1/schedules/{id}/swaps")
    @ResponseStatus(HttpStatus.CREATED)
    SwapRequest request(@PathVariable String id, @RequestBody SwapBody body, Principal principal) {
        schedules.schedule(id).orElseThrow(() -> new NotFoundException("no schedule \"" + id + "\""));
        // the body's own fields were checked as it was read (RequestBodies); the rest is the schedules' rule (Rotas)
        return rotas.requestSwap(id, new Rotas.NewSwap(body.layer(), body.requester(), body.counterpart(),
                RequestValues.instant("start", body.start()), RequestValues.instant("end", body.end())), principal.getName(), "api",
                guard(principal));
    }

    @GetMapping("/api/v1/schedules/{id}/swaps")
    List<SwapRequest> list(@PathVariable String id) {
        return rotas.swaps(id);
    }

    @PostMapping("/api/v1/swaps/{swapId}/accept")
    SwapRequest accept(@PathVariable long swapId, Principal principal) {
        return rotas.acceptSwap(swapId, principal.getName(), "api", guard(principal));
    }

    @PostMapping("/api/v1/swaps/{swapId}/decline")
    SwapRequest decline(@PathVariable long swapId, Principal principal) {
        return rotas.declineSwap(swapId, principal.getName(), "api", guard(principal));
    }

    /** The caller's access roles, asked by the schedules' rule before it changes anyone's shifts. */
    private Rotas.ShiftGuard guard(Principal principal) {
        io.tocsin.store.ApiTokenStore.Issued caller = ApiSecurity.asking(principal);
        return (schedule, people) -> permissions.requireToChangeShifts(caller, schedule, people);
    }
}
