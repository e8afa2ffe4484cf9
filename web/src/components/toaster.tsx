/** "Saved", "Number released": short confirmations on Radix Toast (announced politely to screen readers). */
import * as Toast from "@radix-ui/react-toast";
import type { ReactNode } from "react";
import { createContext, useCallback, useContext, useState } from "react";

type Note = { id: number; text: string; tone: "success" | "error" };
const ToastContext = createContext<(text: string, tone?: Note["tone"]) => void>(() => {});

export function useToast() {
  return useContext(ToastContext);
}

let nextId = 1;

export function Toaster({ children }: { children: ReactNode }) {
  const [notes, setNotes] = useState<Note[]>([]);
  const show = useCallback((text: string, tone: Note["tone"] = "success") => {
    setNotes((current) => [...current.slice(-2), { id: nextId++, text, tone }]);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      <Toast.Provider swipeDirection="right" duration={4000}>
        {children}
        {notes.map((note) => (
          <Toast.Root
            key={note.id}
            type={note.tone === "success" ? "background" : "foreground"}
            onOpenChange={(open) => !open && setNotes((current) => current.filter((other) => other.id !== note.id))}
            className={`rounded-md px-4 py-3 text-sm text-white shadow-lg ${note.tone === "success" ? "bg-slate-900" : "bg-red-700"}`}
          >
            <Toast.Description>{note.text}</Toast.Description>
          </Toast.Root>
        ))}
        <Toast.Viewport className="fixed right-4 bottom-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2 outline-none" />
      </Toast.Provider>
    </ToastContext.Provider>
  );
}
