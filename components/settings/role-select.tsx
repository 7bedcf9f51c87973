import { Role } from '@/lib/model/actor';

/** A role picker: viewer, operator, admin. */
export function RoleSelect({ value, onChange, label, className }: { value: Role; onChange: (role: Role) => void; label?: string; className: string }) {
  return (
    <select aria-label={label} className={className} value={value} onChange={(e) => onChange(Role.parse(e.target.value))}>
      {Role.options.map((r) => (
        <option key={r}>{r}</option>
      ))}
    </select>
  );
}
