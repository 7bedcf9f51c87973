'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { useCan } from '@/components/auth/use-session';
import { ConfirmDialog } from '@/components/common/confirm-dialog';
import { apiFetch, DryRunView, PlaybookRunAccepted, type FindingDetail } from '@/lib/client/api';
import { PlaybookPlan } from './playbook-plan';

/** Ranked remediations; each shows its dry run first, then runs after confirmation. */
export function Remedies({ detail }: { detail: FindingDetail }) {
  const { finding, remedies } = detail;
  const qc = useQueryClient();
  const can = useCan('operator');
  const [plan, setPlan] = useState<DryRunView | null>(null);
  // each engine-host step ticked on its own
  const [ran, setRan] = useState<ReadonlySet<number>>(new Set());
  const manualSteps = plan ? plan.steps.flatMap((s, i) => (s.manual ? [i + 1] : [])) : [];
  const manualLeft = manualSteps.filter((n) => !ran.has(n - 1));
  // the dry run's result takes the focus, not <body>
  const planHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (plan) planHeading.current?.focus();
  }, [plan]);
  // a new plan starts with nothing ticked
  const [planFor, setPlanFor] = useState(plan);
  if (planFor !== plan) {
    setPlanFor(plan);
    setRan(new Set());
  }
  const [confirming, setConfirming] = useState(false);
  const base = `/api/findings/${finding.id}/playbooks`;
  const dryRun = useMutation({
    mutationFn: (playbookId: string) => apiFetch(DryRunView, `${base}/${playbookId}`),
    onSuccess: setPlan,
    onError: (e) => toast.error('Dry run failed', { description: e.message }),
  });
  const run = useMutation({
    mutationFn: (playbookId: string) =>
      apiFetch(PlaybookRunAccepted, `${base}/${playbookId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ confirm: true }),
      }),
    onSuccess: (r) => {
      toast.success(`${r.run.title} started`, { description: 'Each step shows below as it runs.' });
      setPlan(null);
      void qc.invalidateQueries({ queryKey: ['finding', finding.id] });
    },
    onError: (e) => toast.error('Playbook refused', { description: e.message }),
    onSettled: () => setConfirming(false),
  });
  if (remedies.length === 0)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">No remediation phaseboard can run for this; the explanation and evidence say where to look.</p>
    );
  const open = finding.status === 'open';
  return (
    <div className="space-y-3">
      <ol className="space-y-2" aria-label="Remediations">
        {remedies.map((r) => (
          <li
            key={r.playbookId}
            className="flex flex-wrap items-start justify-between gap-3 rounded border border-slate-200 p-3 dark:border-slate-700"
            data-testid="remedy"
            data-playbook={r.playbookId}
          >
            <div className="min-w-0 flex-1">
              <p className="font-medium">
                {r.rank}. {r.label}
              </p>
              <p className="text-sm text-slate-600 dark:text-slate-300">{r.why}</p>
            </div>
            <button
              type="button"
              disabled={!open || dryRun.isPending}
              onClick={() => dryRun.mutate(r.playbookId)}
              className="rounded border border-sky-600 px-3 py-1 text-sm text-sky-700 hover:bg-sky-50 disabled:opacity-40 dark:text-sky-300 dark:hover:bg-sky-950"
              aria-label={`Dry run: ${r.label}`}
            >
              Dry run
            </button>
          </li>
        ))}
      </ol>
      {plan && (
        <section className="space-y-2 rounded-lg border border-sky-300 p-3 dark:border-sky-800" aria-label={`Dry run of ${plan.playbook.title}`}>
          <h3 className="font-semibold focus:outline-2 focus:outline-sky-500" tabIndex={-1} ref={planHeading}>
            Dry run: {plan.playbook.title}
          </h3>
          <p className="text-sm text-slate-600 dark:text-slate-300">{plan.playbook.description}</p>
          <PlaybookPlan steps={plan.steps} ran={ran} onRan={(i, done) => setRan((r) => toggled(r, i, done))} />
          <div className="flex gap-2">
            <button
              type="button"
              className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-40"
              disabled={!can.allowed || manualLeft.length > 0}
              title={can.reason ?? (manualLeft.length > 0 ? `tick "I ran this" for step ${manualLeft.join(', ')} first` : undefined)}
              onClick={() => setConfirming(true)}
            >
              Run playbook
            </button>
            {!can.allowed && <span className="self-center text-xs text-slate-600 dark:text-slate-300">Running it {can.reason}.</span>}
            <button type="button" className="rounded border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-600" onClick={() => setPlan(null)}>
              Close
            </button>
          </div>
        </section>
      )}
      <ConfirmDialog
        action={
          confirming && plan
            ? {
                title: `Run “${plan.playbook.title}”?`,
                effect: (
                  <>
                    <p>
                      {plan.steps.length} step(s), in order. Each is checked against the engine right before it runs; the first that fails stops the playbook.
                    </p>
                    {manualSteps.length > 0 && <p className="mt-2 font-medium">You said you ran on the engine host: step {manualSteps.join(', ')}.</p>}
                  </>
                ),
                confirmLabel: 'Yes, run it',
                dangerous: plan.steps.some((s) => s.changes.length > 0),
              }
            : null
        }
        busy={run.isPending}
        onClose={() => !run.isPending && setConfirming(false)}
        onConfirm={() => plan && run.mutate(plan.playbook.id)}
      />
    </div>
  );
}

function toggled(s: ReadonlySet<number>, i: number, on: boolean): ReadonlySet<number> {
  const next = new Set(s);
  if (on) next.add(i);
  else next.delete(i);
  return next;
}
