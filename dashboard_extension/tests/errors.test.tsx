// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, mutate } from "../src/api/client";
import { ConfirmDialog, ErrorNotice } from "../src/components/ui";
import { I18nProvider } from "../src/i18n/i18n";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function respond(body: unknown, status = 200) {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status })));
}

describe("mutate", () => {
  it("throws the mutation's first error with its code and field", async () => {
    respond({ data: { payoutApprove: { errors: [{ field: "id", code: "SAME_APPROVER", message: "A second approver, different from the first, must approve this payout." }], payout: null } } });
    const error = await mutate("payoutApprove", "mutation { x }", {}).catch((caught) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe("A second approver, different from the first, must approve this payout.");
    expect(error.code).toBe("SAME_APPROVER");
    expect(error.field).toBe("id");
  });

  it("throws a top-level GraphQL error (permission denied) with the server's words", async () => {
    respond({ data: { payouts: null }, errors: [{ message: "You need the HANDLE_PAYMENTS permission.", extensions: { code: "PermissionDenied" } }] });
    await expect(mutate("payoutApprove", "mutation { x }", {})).rejects.toThrow("You need the HANDLE_PAYMENTS permission.");
  });

  it("reports an answer that is not JSON by its HTTP status instead of a blank screen", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("<html>Bad gateway</html>", { status: 502 })));
    await expect(mutate("payoutApprove", "mutation { x }", {})).rejects.toThrow("HTTP 502");
  });
});

describe("error display", () => {
  it("shows nothing without an error and the message in an alert with one", () => {
    const { rerender } = render(<ErrorNotice error={null} />);
    expect(screen.queryByRole("alert")).toBeNull();
    rerender(
      <I18nProvider locale="zh-Hans">
        <ErrorNotice error={new ApiError("该提现已被驳回。")} />
      </I18nProvider>,
    );
    expect(screen.getByRole("alert").textContent).toBe("服务器拒绝了操作： 该提现已被驳回。");
  });

  it("keeps a refused confirmation open with the API's message and loses the typed reason nowhere", async () => {
    const onClose = vi.fn();
    render(
      <I18nProvider locale="en">
        <ConfirmDialog
          title="Reject?"
          reasonLabel="Reason"
          confirmLabel="Reject"
          destructive
          onClose={onClose}
          onConfirm={async () => {
            throw new ApiError("This payout was already paid.");
          }}
        />
      </I18nProvider>,
    );
    const confirm = screen.getByTestId("confirm");
    expect((confirm as HTMLButtonElement).disabled).toBe(true); // a reason is required
    fireEvent.change(screen.getByRole("textbox"), { target: { value: "duplicate request" } });
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("This payout was already paid."));
    expect(onClose).not.toHaveBeenCalled();
    expect((screen.getByRole("textbox") as HTMLTextAreaElement).value).toBe("duplicate request");
  });
});
