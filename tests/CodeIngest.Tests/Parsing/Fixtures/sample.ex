defmodule Demo.Greeter do
  @moduledoc "Greets."

  def greet(name) do
    "hi " <> name
  end

  defp secret, do: 42

  defmacro twice(x) do
    quote do: unquote(x) * 2
  end
end

alias Demo.Util
Demo.Greeter.greet("x")

defmodule Demo.Server do
  use GenServer
  @behaviour Demo.Greets

  def init(state), do: {:ok, state}
end
