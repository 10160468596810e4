import React from "react";

export function Button(props: { label: string }) {
  return <button onClick={() => track(props.label)}>{props.label}</button>;
}

class Panel extends Base {}
